from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhaoshang.core.views import add_form_errors, get_restricted
from zhaoshang.organization import access

from . import selectors, services
from .choices import Channel, Status
from .forms import WebhookForm
from .models import Notification, Webhook
from .transports import SendError

PAGE_SIZE = 30
DELIVERY_ROWS = 300


def _require_bureau(request) -> None:
    if not access.edits_everything(request.user):
        raise PermissionDenied


def _safe_next(request, url: str, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return default


# --- the user's own notifications ---------------------------------------------------------------


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.notifications_for(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread": selectors.unread_count(request.user),
            "can_manage": access.edits_everything(request.user),
        },
    )


@login_required
def notification_open(request, pk):
    """Mark the notification read and go where it points (a path inside the site only)."""
    notification = get_restricted(Notification.objects, request.user, pk, "change")
    services.mark_read(user=request.user, notification=notification)
    return redirect(_safe_next(request, notification.url, "notifications:list"))


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_restricted(Notification.objects, request.user, pk, "change")
    services.mark_read(user=request.user, notification=notification)
    return redirect(_safe_next(request, request.POST.get("next", ""), "notifications:list"))


@login_required
@require_POST
def notification_read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notifications marked as read.") % {"count": count})
    return redirect("notifications:list")


# --- group robots and the delivery log (bureau and admin) ---------------------------------------


@login_required
def webhook_list(request):
    _require_bureau(request)
    return render(
        request,
        "notifications/webhook_list.html",
        {
            "webhooks": selectors.webhooks_for(request.user),
            "failures": selectors.deliveries_for(request.user, status=Status.FAILED)[:20],
        },
    )


def _webhook_form(request, webhook):
    _require_bureau(request)
    form = WebhookForm(request.POST or None, instance=webhook)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_webhook(
                user=request.user,
                webhook=webhook,
                data={name: form.cleaned_data[name] for name in services.WEBHOOK_FIELDS},
                secret=form.secret_value(),
            )
            messages.success(request, _("Group robot saved."))
            return redirect("notifications:webhook_list")
        except ValidationError as error:
            add_form_errors(form, error)
    return render(request, "notifications/webhook_form.html", {"form": form, "webhook": webhook})


@login_required
def webhook_create(request):
    return _webhook_form(request, None)


@login_required
def webhook_edit(request, pk):
    _require_bureau(request)
    return _webhook_form(request, get_restricted(Webhook.objects, request.user, pk, "change"))


@login_required
@require_POST
def webhook_delete(request, pk):
    _require_bureau(request)
    webhook = get_restricted(Webhook.objects, request.user, pk, "delete")
    services.delete_webhook(user=request.user, webhook=webhook)
    messages.success(request, _("Group robot removed."))
    return redirect("notifications:webhook_list")


@login_required
@require_POST
def webhook_test(request, pk):
    _require_bureau(request)
    webhook = get_restricted(Webhook.objects, request.user, pk, "change")
    try:
        services.send_test(user=request.user, webhook=webhook)
        messages.success(request, _("Test message sent to %(robot)s.") % {"robot": webhook})
    except SendError as error:
        text = _("The test message to %(robot)s failed: %(error)s")
        messages.error(request, text % {"robot": webhook, "error": error})
    return redirect("notifications:webhook_list")


@login_required
def delivery_list(request):
    _require_bureau(request)
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    status = status if status in Status.values else ""
    channel = channel if channel in Channel.values else ""
    return render(
        request,
        "notifications/delivery_list.html",
        {
            "deliveries": selectors.deliveries_for(request.user, status=status, channel=channel)[:DELIVERY_ROWS],
            "status": status,
            "channel": channel,
            "statuses": Status.choices,
            "channels": Channel.choices,
            "limit": DELIVERY_ROWS,
        },
    )
