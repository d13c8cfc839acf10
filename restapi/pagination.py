from rest_framework.pagination import PageNumberPagination


class PageSizePagination(PageNumberPagination):
    """Every list of the API: 25 a page, or as many as ``page_size`` asks, up to 100."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
