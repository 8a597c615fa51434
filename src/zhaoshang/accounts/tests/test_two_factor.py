"""Optional TOTP: enrol with a code, then a login asks for the code before any page; required roles by setting."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD


def code_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_enrol_then_login_needs_the_code(client, users):
    client.force_login(users["bureau"])
    page = client.get(reverse("accounts:two_factor"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=users["bureau"], confirmed=False)
    assert (
        client.post(
            reverse("accounts:two_factor"), {"code": "000000" if code_for(device) != "000000" else "111111"}
        ).status_code
        == 200
    )
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down retries after a wrong code
    assert client.post(reverse("accounts:two_factor"), {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    fresh = client.__class__()
    assert fresh.post("/login/", {"username": "bureau", "password": PASSWORD}).status_code == 302
    held = fresh.get(reverse("projects:ledger"))
    assert held.status_code == 302 and held.url == reverse("accounts:otp_verify")
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert fresh.post(reverse("accounts:otp_verify"), {"code": code_for(device)}).status_code == 302
    assert fresh.get(reverse("projects:ledger")).status_code == 200


def test_required_roles_must_enrol(client, users, settings):
    settings.ZHAOSHANG_REQUIRE_2FA = True
    client.force_login(users["supervisor"])
    response = client.get(reverse("projects:ledger"))
    assert response.status_code == 302 and response.url == reverse("accounts:two_factor")
    client.force_login(users["reporter_a"])
    assert client.get(reverse("projects:ledger")).status_code == 200
