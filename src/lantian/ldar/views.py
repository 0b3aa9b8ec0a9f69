"""The archive's own pages: the tree with counts, detail pages that show a level's children and
counts, and the scoped photo view. Everything else comes from the generic views."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from lantian.core.files import sniff
from lantian.core.views.generic import ObjectDetailView
from lantian.ldar import tree
from lantian.ldar.models import ComponentGroup, EnterpriseProfile, SealPoint

POINTS_SHOWN = 500  # seal points listed on a group's page and tree node


class ArchiveTreeView(LoginRequiredMixin, TemplateView):
    """The archive from the enterprises the user may see down to a group's seal points."""

    template_name = "ldar/archive_tree.html"
    permission = "ldar.view_sealpoint"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, level=None, pk=None, **kwargs):
        if level is None:
            enterprises = list(tree.visible_enterprises(request.user)[:2])
            if len(enterprises) == 1:  # an enterprise (or an agency serving one) goes straight to it
                return HttpResponseRedirect(tree.node_url(tree.BY_KEY["enterprise"], enterprises[0]))
            self.node = tree.Node(None)
        else:
            self.node = tree.find_node(request.user, level, pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, node = self.request.user, self.node
        branch = tree.branch(user, node)
        path = node.path or {}
        children = branch[-1] if branch and not any(i["selected"] for i in branch[-1]["items"]) else None
        context.update(
            node=node,
            ancestors=[(level, obj, tree.node_url(level, obj)) for level, obj in tree.ancestors_of(node)],
            branch=branch,
            children=children,
            counts=node_counts(branch, node),
            by_type=tree.counts_by_type(user, path),
            points_url=points_url(node),
        )
        if node.level is not None and node.level.key == "group":
            context["points"] = list(
                SealPoint.objects.restrict(user, "view")
                .filter(group=node.obj)
                .select_related("seal_type")
                .order_by("extension_number")[:POINTS_SHOWN]
            )
        return context


def node_counts(branch: list[dict], node) -> tree.Counts:
    """The node's counts, already in the branch (the selected item; at the root, the sum of all)."""
    if node.level is None:
        total = tree.Counts()
        for item in branch[0]["items"] if branch else ():
            for name in ("total", "accessible", "dynamic", "invalid"):
                setattr(total, name, getattr(total, name) + getattr(item["counts"], name))
        return total
    for level in branch:
        for item in level["items"]:
            if item["selected"]:
                return item["counts"]
    return tree.Counts()


def points_url(node) -> str:
    """The seal-point list filtered to the node (equipment and groups by code, within their area)."""
    query = {}
    for key, pk in (node.path or {}).items():
        if key in ("equipment", "group"):
            obj = node.obj if key == node.level.key else getattr(node.obj, key)
            query[key] = obj.code
        else:
            query[key] = pk
    return reverse("ldar:sealpoint_list") + (f"?{urlencode(query)}" if query else "")


def node_of(obj) -> tree.Node:
    key = next(level.key for level in tree.LEVELS if level.model is type(obj))
    path = {name: getattr(obj, f"{name}_id") for name in tree.PATH[: tree.PATH.index(key)]}
    return tree.Node(tree.BY_KEY[key], obj, {**path, key: obj.pk})


class LevelDetailView(ObjectDetailView):
    """A unit, area, equipment or group: its fields, its seal-point counts and its children."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, obj = self.request.user, self.object
        node = node_of(obj)
        key = node.level.key
        child_level, rows = tree.children_of(user, node.level, obj)
        counts = tree.counts_by(user, node.path, child_level.key) if child_level else {}
        context.update(
            node=node,
            tree_url=node.url,
            points_url=points_url(node),
            counts=tree.counts_of(user, node.path),
            child_level=child_level,
            children=[{"obj": row, "counts": counts.get(row.pk, tree.Counts())} for row in rows],
        )
        if key == "group":
            context["points"] = list(
                SealPoint.objects.restrict(user, "view")
                .filter(group=obj)
                .select_related("seal_type")
                .order_by("extension_number")[:POINTS_SHOWN]
            )
        return context


class SealPointDetailView(ObjectDetailView):
    def get_object(self):
        return get_object_or_404(
            self.restricted().select_related("enterprise", "unit", "area", "equipment", "group", "seal_type"),
            pk=self.kwargs["pk"],
        )


class EnterpriseProfileDetailView(ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        enterprise = self.object.organization
        context["enterprise_counts"] = tree.counts_of(self.request.user, {"enterprise": enterprise.pk})
        context["tree_url"] = tree.node_url(tree.BY_KEY["enterprise"], enterprise)
        return context


PHOTOS = {
    "componentgroup": (ComponentGroup, "photo"),
    "enterpriseprofile": (EnterpriseProfile, "licence_photo"),
}


class PhotoView(LoginRequiredMixin, View):
    """A photo kept in an archive row, for those who may see the row (404 otherwise)."""

    def get(self, request, model, pk):
        if model not in PHOTOS:
            raise Http404
        model_class, field = PHOTOS[model]
        obj = get_object_or_404(model_class.objects.restrict(request.user, "view"), pk=pk)
        photo = getattr(obj, field)
        if not photo:
            raise Http404
        handle = photo.open("rb")
        file_type = sniff(handle)
        if file_type is None or not file_type.is_image:
            raise Http404
        response = FileResponse(handle, content_type=file_type.mime_type)
        response["Content-Disposition"] = "inline"
        response["Cache-Control"] = "private, max-age=300"
        return response
