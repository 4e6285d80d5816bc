"""The check-in desk on a phone-sized screen: staff log in, find an attendee by name and check
them in; and the camera path, with Chromium's fake camera playing a video of the attendee's QR
code (made here from the check-in token), so the page's own decoding and posting are tested."""

import re

import pytest
import segno
from playwright.sync_api import expect

from registrations.models import Registration
from tests.factories import make_checkin_staff, make_open_event, register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def aino():
    event = make_open_event(title="European Cluster Conference Berlin")
    register(event, first_name="Anna", last_name="Müller", organisation="Cluster Berlin")
    return register(
        event,
        first_name="Aino",
        last_name="Järvenpää",
        organisation="Regional Council of Lapland",
        email="aino.jarvenpaa@lapland.example.fi",
    )


def log_in_at_the_desk(page, event):
    """Staff open the desk and are sent through the admin login, then back."""
    make_checkin_staff("desk.berlin", event)
    page.goto("/checkin/")
    page.get_by_label("Username").fill("desk.berlin")
    page.get_by_label("Password").fill("desk password 2030")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=re.compile(event.title)).click()
    expect(page.get_by_role("heading", name="Check-in", level=1)).to_be_visible()


def test_staff_find_an_attendee_by_name_on_a_phone_and_check_her_in(page, aino):
    page.set_viewport_size(PHONE)
    log_in_at_the_desk(page, aino.event)
    expect(page.get_by_text("0 checked in of 2 expected on site")).to_be_visible()

    page.get_by_role("searchbox").fill("Järvenpää")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("Anna Müller")).to_have_count(0)
    page.get_by_role("button", name="Check in Aino Järvenpää").click()

    expect(page.get_by_role("status").first).to_have_text(
        "Checked in: Aino Järvenpää, Regional Council of Lapland"
    )
    expect(page.get_by_text("1 checked in of 2 expected on site")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Checked in at \d\d:\d\d"))).to_be_visible()
    assert Registration.objects.get(pk=aino.pk).checked_in_by.username == "desk.berlin"


def qr_video(text: str, path) -> None:
    """A short Y4M video (the format Chromium's fake camera plays) of the QR code of `text`:
    dark modules black, the rest white, on a 640 by 480 frame."""
    width, height, scale = 640, 480, 8
    matrix = segno.make_qr(text, error="m").matrix
    size = len(matrix) * scale
    left, top = (width - size) // 2, (height - size) // 2
    luma = bytearray([235]) * (width * height)
    for y, row in enumerate(matrix):
        line = bytes(16 if dark else 235 for dark in row for _ in range(scale))
        for repeat in range(scale):
            start = (top + y * scale + repeat) * width + left
            luma[start : start + size] = line
    chroma = bytes([128]) * (width * height // 4)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(10):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


@pytest.fixture
def camera_page(browser, live_server, aino, tmp_path):
    """A phone-sized page of a Chromium whose camera shows Aino's QR code."""
    video = tmp_path / "aino-qr.y4m"
    qr_video(aino.checkin_token, video)
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    context = chromium.new_context(base_url=live_server.url, locale="en-GB", viewport=PHONE)
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    chromium.close()


def test_the_camera_reads_the_attendees_code_checks_her_in_and_scans_on(camera_page, aino):
    page = camera_page
    log_in_at_the_desk(page, aino.event)
    page.get_by_role("button", name="Scan with the camera").click()

    result = page.locator("[data-scan-result]")
    expect(result).to_have_text("Checked in: Aino Järvenpää, Regional Council of Lapland")
    expect(result).to_have_class(re.compile("alert-success"))
    expect(page.get_by_text("1 checked in of 2 expected on site")).to_be_visible()
    # The code is still in front of the camera: after a short pause it is read again.
    expect(result).to_have_text(re.compile(r"^Already checked in at \d\d:\d\d \(by desk.berlin\)"))
    expect(result).to_have_class(re.compile("alert-warning"))
    assert Registration.objects.get(pk=aino.pk).checked_in_by.username == "desk.berlin"
