/* Pictures people add: checked against the server's limits before anything is sent. */

export function megabytes(bytes) {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1).replace(/\.0$/, "");
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

/* {el, blob, name, url, width, height} for Pad.setImage, or a rejection with a sentence to show. */
export function openPicture(file, { maxBytes, accepted, acceptedNames }) {
  const unreadable = `This file is not an image we can read (${acceptedNames}).`;
  if (file.size > maxBytes) {
    return Promise.reject(new Error(`This picture is ${megabytes(file.size)} MB; the limit is ` +
                                    `${megabytes(maxBytes)} MB. Choose a smaller picture.`));
  }
  if (file.type && accepted.indexOf(file.type) < 0) return Promise.reject(new Error(unreadable));
  return loadImage(file).then((loaded) => {
    const width = loaded.el.naturalWidth;
    const height = loaded.el.naturalHeight;
    if (!width || !height) throw new Error(unreadable);
    return { el: loaded.el, url: loaded.url, blob: file, name: file.name || "picture", width, height };
  }, () => { throw new Error(unreadable); });
}
