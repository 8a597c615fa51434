from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Event


@login_required
def event_list(request):
    return render(request, "events/list.html", {"events": Event.objects.all()[:200]})


@login_required
def event_detail(request, pk):
    return render(request, "events/detail.html", {"event": get_object_or_404(Event, pk=pk)})
