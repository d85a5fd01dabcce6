"""Agent desktop benchmark: a browser agent answers trunk calls in Chromium.

    .venv/bin/python bench/desktop_answer.py [--calls 100] [--setup-calls 100]

SIPp plays the carrier and calls the desktop's queue one call at a time; Playwright drives
Chromium (fake microphone) on the real desktop page, clicks "Answer" as soon as it shows and
hangs up once audio flows. The web app (uvicorn, Channels in memory) and the engine with its
rtpengine run in this process, as the embedded `serve` does. Printed in the same run:

- click on "Answer" → audio flowing: the click event in the page to the first inbound RTP packet
  seen by the new RTCPeerConnection (getStats packetsReceived > 0), p50/p95;
- WebSocket event → desktop updated: the engine sends ``agent.offer`` (wall clock stamped into the
  message) to the page showing the Answer button (DOM change) and painting it (next frame), p50/p95;
- the reference: the engine's own call setup, trunk INVITE → SIP agent 180 Ringing at 20 calls/s
  (bench/switchboard_calls.py), beside a bare SIPp INVITE → response.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from switchboard_calls import (  # noqa: E402
    SIPP,
    Sipp,
    bench_setup,
    configure,
    free_port,
    percentile,
    queue_only,
    register_agents,
    service_queue,
    setup_django,
)

CHROMIUM = "/usr/bin/chromium"
DESK_NUMBER = "800000003"

# Runs in the page (Playwright's evaluate is exempt from the page's CSP).
INSTRUMENT = """() => {
  const now = () => performance.timeOrigin + performance.now();
  const answer = document.getElementById("answer");
  window.bench = { rows: [] };
  let current = null;
  document.addEventListener("desktop:message", (event) => {
    if (event.detail.type === "agent.offer") current = { sent: event.detail.sent_at, received: now() };
  });
  new MutationObserver(() => {
    if (!current || answer.hidden || current.shown) return;
    current.shown = now();
    requestAnimationFrame(() => { current.painted = now(); });
  }).observe(answer, { attributes: true });
  answer.addEventListener("click", () => {
    const row = current;
    const before = window.sportelloPeer;
    row.click = now();
    const poll = async () => {
      const peer = window.sportelloPeer;
      let packets = 0;
      if (peer && peer !== before) {
        (await peer.getStats()).forEach((r) => {
          if (r.type === "inbound-rtp" && r.kind === "audio") packets = r.packetsReceived;
        });
      }
      if (packets > 0) { row.audio = now(); window.bench.rows.push(row); } else setTimeout(poll, 2);
    };
    poll();
  }, true);
}"""


def browser_agent() -> tuple[int, str]:
    """A verified browser agent serving the desk queue; its id and a session cookie."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sportello.accounts.models import RoleAssignment, User
    from sportello.accounts.roles import Role
    from sportello.switchboard.models import Agent, AgentSkill

    skill = service_queue("desk", {DESK_NUMBER: queue_only("desk")}, ring_seconds=60)
    user, _ = User.objects.get_or_create(email="desk@bench.invalid")
    RoleAssignment.objects.get_or_create(user=user, role=Role.AGENT)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    agent, _ = Agent.objects.get_or_create(user=user, defaults={
        "sip_username": "desk", "languages": ["it"], "device": Agent.Device.BROWSER})  # fmt: skip
    AgentSkill.objects.get_or_create(agent=agent, skill=skill)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return agent.id, client.cookies["sessionid"].value


def stamp_offers() -> None:
    """The engine writes its send time into each agent.offer (forwarded to the page as is)."""
    from sportello.switchboard.engine.browser import BrowserAgents

    send = BrowserAgents.send

    async def stamped(self, agent_id, kind, **data):
        if kind == "agent.offer":
            data["sent_at"] = time.time() * 1000
        await send(self, agent_id, kind, **data)

    BrowserAgents.send = stamped


async def serve_web():
    import uvicorn

    from sportello.asgi import application

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port,
                                           lifespan="off", ws="websockets-sansio",
                                           log_level="warning"))  # fmt: skip
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    return server, task, f"http://127.0.0.1:{port}"


async def answer_calls(web: str, session: str, sipp: Sipp, calls: int) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required"])  # fmt: skip
        context = await browser.new_context()
        await context.add_cookies([{"name": "sessionid", "value": session, "url": web}])
        await context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        page = await context.new_page()
        await page.goto(f"{web}/en/switchboard/desktop/")
        await page.get_by_text("Connected.").wait_for(timeout=90_000)
        await page.evaluate(INSTRUMENT)
        await page.keyboard.press("Alt+V")
        await page.locator("#current-state", has_text="Available").wait_for()
        caller = asyncio.ensure_future(sipp.run(
            sipp.remote(), "-sf", str(SIPP / "caller_desk.xml"), "-s", DESK_NUMBER,
            "-m", str(calls), "-l", "1", "-r", "10", "-p", str(free_port()),
            "-mp", str(free_port()), "-timeout", f"{calls * 10 + 60}s"))  # fmt: skip
        for n in range(1, calls + 1):
            await page.locator("#answer:not([hidden])").wait_for(timeout=60_000)
            await page.locator("#answer").click()
            await page.wait_for_function("n => window.bench.rows.length >= n", arg=n,
                                         timeout=60_000)  # fmt: skip
            await page.locator("#hangup").click()
            await page.locator("#hangup[hidden]").wait_for(state="attached", timeout=60_000)
        code, log = await caller
        rows = await page.evaluate("() => window.bench.rows")
        await browser.close()
    if code != 0:
        print("SIPp caller:", log)
    return rows


def report(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: no data"
    return (f"{name}: p50 {percentile(values, 0.5):.1f} ms, p95 {percentile(values, 0.95):.1f} ms, "
            f"max {max(values):.1f} ms over {len(values)} calls")  # fmt: skip


async def main(args, workdir: Path, agents: int, desk: tuple[int, str]) -> None:
    from django.conf import settings

    from sportello.switchboard.engine.embedded import start_embedded

    settings.SWITCHBOARD_RTP_PORT_MIN, settings.SWITCHBOARD_RTP_PORT_MAX = 20000, 29999
    stamp_offers()
    running = await start_embedded(sip_port=free_port())
    engine = running.engine
    server, task, web = await serve_web()
    sipp = Sipp(workdir, engine.endpoint.local_address("udp")[1])
    phone_ports = [free_port()]
    try:
        await register_agents(sipp.engine_port, agents, phone_ports)
        setup = await bench_setup(engine, sipp, args.setup_calls, phone_ports)
        rows = await answer_calls(web, desk[1], sipp, args.calls)
        print(report("click on Answer → audio flowing (first inbound RTP in the browser)",
                     [r["audio"] - r["click"] for r in rows]))  # fmt: skip
        print(report("WebSocket event → desktop updated (engine send → Answer shown in the DOM)",
                     [r["shown"] - r["sent"] for r in rows if "shown" in r]))  # fmt: skip
        print(report("  … → painted (next animation frame)",
                     [r["painted"] - r["sent"] for r in rows if "painted" in r]))  # fmt: skip
        print(report("  … of which engine send → message in the page",
                     [r["received"] - r["sent"] for r in rows]))  # fmt: skip
        latencies = [x * 1000 for x in setup["latencies"]]
        print(report("reference, same run: engine call setup INVITE → SIP agent 180 at 20 calls/s",
                     latencies))  # fmt: skip
        print(report("  bare SIPp INVITE → response", [x * 1000 for x in setup["reference"]]))
        if rows and latencies:
            click = percentile([r["audio"] - r["click"] for r in rows], 0.95)
            print(f"ratio p95 click→audio / engine call setup: "
                  f"{click / max(percentile(latencies, 0.95), 0.001):.1f}x")  # fmt: skip
    finally:
        server.should_exit = True
        await task
        await running.stop()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--setup-calls", type=int, default=100)
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sportello-desk-bench-"))
    setup_django(work)
    agent_count = 50
    configure(agent_count)
    desk_agent = browser_agent()
    from sportello.switchboard import prompts

    prompts.ensure_defaults()
    asyncio.run(main(arguments, work, agent_count, desk_agent))
