"""The Wagtail API v2 at /api/v2/: pages, images and documents, narrowed by visibility."""

from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import (
    PageAliasOfField,
    PageHtmlUrlField,
    PageParentField,
    PageSerializer,
    RelatedField,
    get_serializer_class,
)
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents.api.v2.serializers import DocumentDownloadUrlField, DocumentSerializer
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.documents.models import AbstractDocument
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.images.models import AbstractImage
from wagtail.models import Page

from jingjian.core import api_parameters, page_cache, visibility
from jingjian.core.api_parameters import ParameterError
from jingjian.core.public_address import public_url
from jingjian.search import reader as search


class PreparedSearchFilter(SearchFilter):
    """``?search=`` goes through the same query preparation as the search page."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if getattr(queryset, "_filtered_by_tag", False):
            raise ParameterError("不能同时按标签筛选和搜索，请去掉其中一个参数。")
        if not search.prepare_query(request.GET["search"]):
            raise ParameterError(
                "参数“search”的搜索词中没有可搜索的文字：请使用中文、字母或数字，多个词用空格分开。"
            )
        found, notice = search.search_pages_with_notice(queryset, request.GET["search"])
        if notice:
            request.search_notice = notice  # VisiblePagesAPIViewSet.listing_view says it
        return found


# --- Addresses: every full link of the API is on the public address (core.public_address) ---


class PublicHtmlUrlField(PageHtmlUrlField):
    def to_representation(self, page):
        return public_url(page)


def _page_reference(page, context):
    """A page nested in another (``parent``, ``alias_of``): Wagtail's fields, public links."""
    serializer_class = get_serializer_class(
        type(page),
        ["id", "type", "detail_url", "html_url", "title"],
        meta_fields=["type", "detail_url", "html_url"],
        base=PublicPageSerializer,
    )
    return serializer_class(context=context).to_representation(page)


class PublicParentField(PageParentField):
    def to_representation(self, value):
        return _page_reference(value, self.context)


class PublicAliasOfField(PageAliasOfField):
    def to_representation(self, value):
        return _page_reference(value, self.context)


class VisibleRelatedField(RelatedField):
    """A page's foreign key (an exemplar's portrait, say): an image or document the caller may
    not see (``visibility.can_see_media``) is ``null``, its id, title and address withheld."""

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if isinstance(value, (AbstractImage, AbstractDocument)):
            request = self.context.get("request")
            if not visibility.can_see_media(value, getattr(request, "user", None)):
                return None
        return value


class PublicPageSerializer(PageSerializer):
    serializer_related_field = VisibleRelatedField
    html_url = PublicHtmlUrlField(read_only=True)
    parent = PublicParentField(read_only=True)
    alias_of = PublicAliasOfField(read_only=True)


class PublicDocumentDownloadUrlField(DocumentDownloadUrlField):
    def to_representation(self, document):
        return public_url(document.url)


class PublicDocumentSerializer(DocumentSerializer):
    download_url = PublicDocumentDownloadUrlField(read_only=True)


class PublicAddressRouter(WagtailAPIRouter):
    def get_object_detail_urlpath(self, model, pk):
        # Every ``detail_url`` (nested ones and the find view's redirect too) is built from this
        # path; Wagtail puts WAGTAILAPI_BASE_URL before it unless it is a full URL already.
        path = super().get_object_detail_urlpath(model, pk)
        return public_url(path) if path else path


# --- Endpoints ---------------------------------------------------------------------------

NOT_FOUND = "找不到所要的内容：它不存在、未发布或您无权查看。请检查地址中的编号，或用列表接口查找。"


class CheckedParametersMixin:
    """Every query parameter is checked first (``api_parameters.check``); every refusal is a
    400 with a Chinese message, every "not found" a 404 with one."""

    def parameter_model(self):
        return self.model

    def listing_view(self, request):
        api_parameters.check(self, request, self.parameter_model())
        return super().listing_view(request)

    # The detail view filters its queryset with the same backends (DRF's get_object), so its
    # parameters are checked as the listing's are.
    def detail_view(self, request, pk):
        api_parameters.check(self, request, self.parameter_model())
        return super().detail_view(request, pk)

    def find_view(self, request):
        api_parameters.check(self, request, self.parameter_model())
        return super().find_view(request)

    def handle_exception(self, exc):
        if isinstance(exc, BadRequestError) and not isinstance(exc, ParameterError):
            exc = ParameterError(api_parameters.chinese_message(exc))
        elif isinstance(exc, Http404):
            return Response({"message": NOT_FOUND}, status=status.HTTP_404_NOT_FOUND)
        return super().handle_exception(exc)


def _storable(request):
    """The pages endpoints' answers may be kept by the page cache per reader scope, as the
    pages are: what they hold is what ``visibility`` shows that scope, and the reader is known
    by the session alone (``REST_FRAMEWORK``'s authentication; a request bringing other
    credentials is never looked up or stored). A reader's answer is not kept by browsers."""
    page_cache.allow_storing(request._request, restricted=request.user.is_authenticated)


class VisiblePagesAPIViewSet(CheckedParametersMixin, PagesAPIViewSet):
    base_serializer_class = PublicPageSerializer
    filter_backends = [
        PreparedSearchFilter if backend is SearchFilter else backend
        for backend in PagesAPIViewSet.filter_backends
    ]

    def listing_view(self, request):
        _storable(request)
        response = super().listing_view(request)
        notice = getattr(request, "search_notice", "")
        if notice:
            # Not kept: the engine's answer comes back as soon as it is up again.
            page_cache.forbid_storing(request._request)
        if notice and isinstance(response.data, dict) and "meta" in response.data:
            # Elasticsearch did not answer: the results are the database's (search.reader).
            response.data["meta"]["notice"] = notice
        return response

    def detail_view(self, request, pk):
        _storable(request)
        return super().detail_view(request, pk)

    def parameter_model(self):
        """The model whose fields ``?type=`` makes filterable (Page when none or several)."""
        if not self.request.GET.get("type"):
            return Page
        try:
            models = page_models_from_string(self.request.GET["type"])
        except (LookupError, ValueError) as error:
            raise BadRequestError("type doesn't exist") from error
        return models[0] if len(models) == 1 else Page

    def get_base_queryset(self):
        """Live pages of the requested site that the visibility module lets the caller see
        (Wagtail's own base queryset applies its reading of restrictions first, which treats
        aliases differently)."""
        try:
            site = SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except (ValueError, Http404) as error:
            raise ParameterError(
                "参数“site”应为本站的域名（如 example.org，或带端口 example.org:8000），"
                "或去掉该参数。"
            ) from error
        if site is None:
            return Page.objects.none()
        pages = Page.objects.live().descendant_of(site.root_page, inclusive=True)
        return visibility.visible_pages(pages, self.request.user)


def listed_media(queryset, user):
    """Images and documents the API lists: those ``user`` may see that a live page ``user`` may
    see uses. An unused image is not listed, even a public one (an upload is not a
    publication)."""
    return visibility.media_in_use(visibility.visible_media(queryset, user), user)


class VisibleImagesAPIViewSet(CheckedParametersMixin, ImagesAPIViewSet):
    def get_queryset(self):
        return listed_media(super().get_queryset(), self.request.user)


class VisibleDocumentsAPIViewSet(CheckedParametersMixin, DocumentsAPIViewSet):
    base_serializer_class = PublicDocumentSerializer

    def get_queryset(self):
        return listed_media(super().get_queryset(), self.request.user)


api_router = PublicAddressRouter("wagtailapi")
api_router.register_endpoint("pages", VisiblePagesAPIViewSet)
api_router.register_endpoint("images", VisibleImagesAPIViewSet)
api_router.register_endpoint("documents", VisibleDocumentsAPIViewSet)
