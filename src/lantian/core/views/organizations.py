from django.db.models import Count

from lantian.core.models import Organization, OrganizationLink, User
from lantian.core.views import generic


class DivisionDetailView(generic.ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.all()
        context["organizations"] = Organization.objects.restrict(self.request.user).filter(
            division=self.object
        )
        return context


class OrganizationDetailView(generic.ObjectDetailView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, org = self.request.user, self.object
        visible = Organization.objects.restrict(user)
        context.update(
            ancestors=visible.filter(pk__in=org.ancestors()).order_by("depth"),
            children=visible.filter(parent=org).annotate(user_count=Count("users")),
            users=User.objects.restrict(user).filter(organization=org).prefetch_related("roles"),
            clients=OrganizationLink.objects.restrict(user).filter(provider=org).select_related("client"),
            providers=OrganizationLink.objects.restrict(user).filter(client=org).select_related("provider"),
        )
        return context
