"""The Wagtail API v2 at /api/v2/: pages, images and documents, narrowed by visibility."""

from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page

from jingjian.core import search, visibility


class PreparedSearchFilter(SearchFilter):
    """``?search=`` goes through the same query preparation as the search page."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("不能同时按标签筛选和搜索,请去掉其中一个参数。")
        if not search.prepare_query(request.GET["search"]):
            raise BadRequestError(
                "搜索词中没有可搜索的文字:请使用中文、字母或数字,多个词用空格分开。"
            )
        return search.search_pages(queryset, request.GET["search"])


class VisiblePagesAPIViewSet(PagesAPIViewSet):
    filter_backends = [
        PreparedSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]

    def get_base_queryset(self):
        """Live pages of the requested site that the visibility module lets the caller see
        (Wagtail's own base queryset applies its reading of restrictions first, which treats
        aliases differently)."""
        try:
            site = SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except ValueError as error:
            raise BadRequestError("site 参数无效：请填写本站的域名，或去掉该参数。") from error
        if site is None:
            return Page.objects.none()
        pages = Page.objects.live().descendant_of(site.root_page, inclusive=True)
        return visibility.visible_pages(pages, self.request.user)


class VisibleImagesAPIViewSet(ImagesAPIViewSet):
    def get_queryset(self):
        return visibility.visible_media(super().get_queryset(), self.request.user)


class VisibleDocumentsAPIViewSet(DocumentsAPIViewSet):
    def get_queryset(self):
        return visibility.visible_media(super().get_queryset(), self.request.user)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", VisiblePagesAPIViewSet)
api_router.register_endpoint("images", VisibleImagesAPIViewSet)
api_router.register_endpoint("documents", VisibleDocumentsAPIViewSet)
