/* Pictures people add: checked against the server's limits before anything is sent. */

/* A size as the server's messages say it ("6.3 MB"): its rule comes from the server (config.sizes). */
function megabytes(bytes, { megabyte, sizeDecimals }) {
  return `${(bytes / megabyte).toFixed(sizeDecimals)} MB`;
}

export function loadImage(blob) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(blob);
    const img = new Image();
    img.onload = () => resolve({ el: img, url });
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error("unreadable")); };
    img.src = url;
  });
}

/* {el, blob, name, url, width, height} for Pad.setImage, or a rejection with a sentence to show.
   `limits` is the page's config: the limit and how a size is said (config.sizes.script_sizes),
   and the formats accepted. */
export function openPicture(file, limits) {
  const { maxBytes, maxMb, accepted, acceptedNames } = limits;
  const unreadable = `This file is not an image we can read (${acceptedNames}).`;
  if (file.size > maxBytes) {
    return Promise.reject(new Error(`This picture is ${megabytes(file.size, limits)}; the limit is ` +
                                    `${maxMb} MB. Choose a smaller picture.`));
  }
  if (file.type && accepted.indexOf(file.type) < 0) return Promise.reject(new Error(unreadable));
  return loadImage(file).then((loaded) => {
    const width = loaded.el.naturalWidth;
    const height = loaded.el.naturalHeight;
    if (!width || !height) throw new Error(unreadable);
    return { el: loaded.el, url: loaded.url, blob: file, name: file.name || "picture", width, height };
  }, () => { throw new Error(unreadable); });
}
