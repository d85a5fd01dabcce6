"""Switchboard benchmark: call setup latency and concurrent bridged calls with real peers.

    .venv/bin/python bench/switchboard_calls.py [--calls 400] [--hold 60] [--setup-calls 200] [--phones 4]

SIPp plays the carrier (calls in, streams G.711 audio) and the agents' phones (registered with
digest auth, auto-answer, echo the audio; --phones SIPp processes, agents spread over them, so no
one echo socket carries every call); the engine runs the full path (IVR prompt → queue → ACD →
agent) with a real rtpengine. Printed in the same run:

- setup: trunk INVITE → agent 180 Ringing, p50/p95 at 20 calls/s, beside a bare SIPp-to-SIPp
  INVITE → 180 round trip (the reference);
- concurrency: calls held for --hold seconds, loss measured by rtpengine's own counters (audio
  the agents echoed back ÷ audio the callers sent), beside rtpengine alone relaying the same
  number of calls at the same packet rate with a minimal generator (the reference).

Loads go to 127.0.0.1 only. The generators' CPU seconds are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIPP = ROOT / "bench" / "sipp"
PASSWORD = "bench-agent-secret"
sys.path.insert(0, str(ROOT / "src"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
    os.environ.setdefault("SPORTELLO_VAR_DIR", str(workdir))
    os.environ.pop("REDIS_URL", None)  # in-process channel layer: events stay in this process
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def service_queue(code: str, flows: dict[str, dict], trunk_name: str = "Bench", **queue):
    """Skill `code`, its Italian queue (`queue` holds its settings) and a service number per
    entry of `flows` (number → IVR definition) on the trunk; the skill."""
    from sportello.switchboard.models import (
        IvrFlow,
        IvrFlowVersion,
        Queue,
        ServiceNumber,
        Skill,
        Trunk,
    )

    skill, _ = Skill.objects.get_or_create(code=code, defaults={"name": code.title()})
    Queue.objects.get_or_create(code=f"{code}-it", defaults={
        "name": code.title(), "skill": skill, "language": "it", "wrap_up_seconds": 0,
        "announce_every_seconds": 0, "max_wait_seconds": 0, **queue})  # fmt: skip
    trunk, _ = Trunk.objects.get_or_create(name=trunk_name, defaults={
        "host": "127.0.0.1", "allowed_sources": "127.0.0.1/32"})  # fmt: skip
    for number, definition in flows.items():
        flow, created = IvrFlow.objects.get_or_create(name=f"bench {number}")
        if created:
            IvrFlowVersion.objects.create(
                flow=flow, number=1, definition=definition, published=True
            )
        ServiceNumber.objects.get_or_create(number=number, defaults={
            "label": number, "trunk": trunk, "flow": flow})  # fmt: skip
    return skill


def queue_only(code: str) -> dict:
    return {"start": "q", "nodes": {"q": {"type": "queue", "skill": code}}}


def configure(agents: int) -> None:
    from sportello.accounts.models import User
    from sportello.switchboard.forms import sip_ha1
    from sportello.switchboard.models import Agent, AgentSkill

    skill = service_queue("bench", {
        "800000001": {"start": "w", "nodes": {
            "w": {"type": "play", "prompt": "welcome", "next": "q"},
            "q": {"type": "queue", "skill": "bench"}}},
        "800000002": queue_only("bench"),
    }, max_length=10_000)  # fmt: skip
    for n in range(1, agents + 1):
        name = f"bench{n}"
        user, _ = User.objects.get_or_create(email=f"{name}@bench.invalid")
        agent, _ = Agent.objects.get_or_create(user=user, defaults={
            "sip_username": name, "sip_ha1": sip_ha1(name, PASSWORD), "languages": ["it"],
            "device": Agent.Device.SIP})  # fmt: skip
        AgentSkill.objects.get_or_create(agent=agent, skill=skill)


class Sipp:
    def __init__(self, workdir: Path, engine_port: int) -> None:
        self.workdir = workdir
        self.engine_port = engine_port
        self.cpu = 0.0
        shutil.copy(SIPP / "tone_alaw.wav", workdir / "tone_alaw.wav")

    async def run(self, *args: str) -> tuple[int, str]:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = await asyncio.create_subprocess_exec(
            "sipp", *args, "-i", "127.0.0.1", "-nostdin", "-trace_err", "-trace_rtt",
            "-rtt_freq", "1", cwd=self.workdir,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return proc.returncode or 0, (out + err).decode(errors="replace")[-3000:]

    def remote(self) -> str:
        return f"127.0.0.1:{self.engine_port}"

    async def start_phones(self, ports: list[int]) -> list:
        """One echoing SIPp phone per port (each with its own media socket), until stopped."""
        return [
            await asyncio.create_subprocess_exec(
                "sipp",
                "-sf",
                str(SIPP / "agent_answer.xml"),
                "-p",
                str(port),
                "-mp",
                str(free_port()),
                "-rtp_echo",
                "-i",
                "127.0.0.1",
                "-nostdin",
                "-trace_err",
                cwd=self.workdir,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            for port in ports
        ]

    async def stop_phones(self, phones: list) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for proc in phones:
            proc.terminate()
        for proc in phones:
            await proc.wait()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def register_agents(engine_port: int, agents: int, phone_ports: list[int]) -> None:
    """Register every agent with digest auth, bound round-robin to the SIPp phones' ports."""
    from sportello.switchboard.engine.sip import Address, SipEndpoint, SipUri, build_register

    async with SipEndpoint("127.0.0.1") as endpoint:

        async def one(n: int) -> int:
            name = f"bench{n}"
            aor = Address(SipUri(user=name, host="127.0.0.1"))
            port = phone_ports[n % len(phone_ports)]
            contact = Address(SipUri(user=name, host="127.0.0.1", port=port))
            request = build_register(SipUri(host="127.0.0.1", port=engine_port), aor=aor,
                                     contact=contact, expires=3600)  # fmt: skip
            response = await endpoint.request(request, credentials=(name, PASSWORD))
            return response.status

        statuses = []
        for start in range(1, agents + 1, 50):
            batch = range(start, min(agents, start + 49) + 1)
            statuses += await asyncio.gather(*(one(n) for n in batch))
    failed = [s for s in statuses if s != 200]
    if failed:
        raise SystemExit(f"{len(failed)} agent registrations failed: {failed[:5]}")


async def bench_setup(engine, sipp: Sipp, calls: int, phone_ports: list[int]) -> dict:
    engine.setup_latencies.clear()
    phones = await sipp.start_phones(phone_ports)
    code, log = await sipp.run(
        sipp.remote(), "-sf", str(SIPP / "caller_hold.xml"), "-s", "800000002", "-m", str(calls),
        "-r", "20", "-d", "1000", "-p", str(free_port()), "-mp", str(free_port()),
        "-timeout", "120s")  # fmt: skip
    await asyncio.sleep(1)
    await sipp.stop_phones(phones)
    latencies = list(engine.setup_latencies)
    # Reference: the same INVITE → 180 exchange between two SIPp peers with no engine between.
    ref_port = free_port()
    ref_uas = asyncio.ensure_future(sipp.run("-sn", "uas", "-p", str(ref_port), "-m", str(calls),
                                             "-timeout", "120s"))  # fmt: skip
    ref_code, ref_log = await sipp.run(f"127.0.0.1:{ref_port}", "-sn", "uac", "-m", str(calls),
                                       "-r", "20", "-d", "100", "-p", str(free_port()),
                                       "-timeout", "120s")  # fmt: skip
    await ref_uas
    reference = read_rtt(sipp.workdir)
    return {"ok": code == 0, "log": log, "latencies": latencies, "reference": reference,
            "ref_ok": ref_code == 0}  # fmt: skip


def read_rtt(workdir: Path) -> list[float]:
    """SIPp's -trace_rtt file of the reference UAC: response times in ms (INVITE→first response)."""
    values = []
    for path in workdir.glob("*_rtt.csv"):
        if "uac" not in path.name:
            continue
        for line in path.read_text().splitlines()[1:]:
            parts = line.split(";")
            if len(parts) >= 3:
                try:
                    values.append(float(parts[2]) / 1000)
                except ValueError:
                    continue
        path.unlink()
    return values


def udp_receive_buffer_errors() -> int:
    """The kernel's count of UDP datagrams dropped because a socket's buffer was full."""
    lines = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()
             if line.startswith("Udp:")]  # fmt: skip
    header, values = lines[0], lines[1]
    return int(values[header.index("RcvbufErrors")])


async def bench_concurrency(engine, sipp: Sipp, calls: int, hold: int, phone_ports) -> dict:
    engine.finished_media.clear()
    phones = await sipp.start_phones(phone_ports)
    dropped_before = udp_receive_buffer_errors()
    rate = max(10, calls // 10)
    code, log = await sipp.run(
        sipp.remote(), "-sf", str(SIPP / "caller_hold.xml"), "-s", "800000001", "-m", str(calls),
        "-l", str(calls), "-r", str(rate), "-d", str(hold * 1000), "-p", str(free_port()),
        "-mp", str(free_port()), "-timeout", f"{hold + 120}s")  # fmt: skip
    await asyncio.sleep(1)
    await sipp.stop_phones(phones)
    dropped = udp_receive_buffer_errors() - dropped_before
    from sportello.switchboard.engine.media.ng import leg_stats

    sent = echoed = 0
    per_call = []
    for stats in engine.finished_media.values():
        call_sent = call_echoed = 0
        for tag, leg in leg_stats(stats).items():
            if "SIPpTag00" in tag:
                call_sent += leg.packets
            else:
                call_echoed += leg.packets
        sent, echoed = sent + call_sent, echoed + call_echoed
        per_call.append(1 - call_echoed / call_sent if call_sent else 1.0)
    loss = 1 - echoed / sent if sent else 1.0
    return {"ok": code == 0, "log": log, "calls": len(engine.finished_media), "loss": loss,
            "sent": sent, "per_call": per_call, "socket_drops": dropped}  # fmt: skip


async def rtpengine_alone(calls: int, seconds: float, ng) -> dict:
    """Reference: rtpengine relaying `calls` two-way G.711 streams set up directly over ng."""
    from sportello.switchboard.engine.media.legs import rtp_leg
    from sportello.switchboard.engine.media.rtp_peer import plain_sdp, sdp_media_address

    loop = asyncio.get_running_loop()
    received = [0]

    class Counter(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr):
            received[0] += 1

    pairs = []
    for n in range(calls):
        a, _ = await loop.create_datagram_endpoint(Counter, local_addr=("127.0.0.1", 0))
        b, _ = await loop.create_datagram_endpoint(Counter, local_addr=("127.0.0.1", 0))
        pa, pb = a.get_extra_info("sockname")[1], b.get_extra_info("sockname")[1]
        offer = await ng.offer(f"ref{n}", "a", plain_sdp(pa), rtp_leg())
        answer = await ng.answer(f"ref{n}", "a", "b", plain_sdp(pb), rtp_leg())
        pairs.append((a, sdp_media_address(answer), b, sdp_media_address(offer)))
    header = bytearray(12)
    header[0], header[1] = 0x80, 8
    payload = bytes(header) + b"\xd5" * 160
    started = time.process_time()
    sent = 0
    ticks = int(seconds / 0.02)
    t0 = time.monotonic()
    for tick in range(ticks):
        for a, a_dest, b, b_dest in pairs:
            a.sendto(payload, a_dest)
            b.sendto(payload, b_dest)
        sent += 2 * len(pairs)
        await asyncio.sleep(max(0.0, t0 + (tick + 1) * 0.02 - time.monotonic()))
    await asyncio.sleep(0.5)
    cpu = time.process_time() - started
    for n, (a, _ad, b, _bd) in enumerate(pairs):
        a.close()
        b.close()
        await ng.delete(f"ref{n}")
    return {"loss": 1 - received[0] / sent if sent else 1.0, "sent": sent, "cpu": cpu}


async def main(args, workdir: Path, agents: int) -> None:
    from django.conf import settings

    from sportello.switchboard.engine.embedded import start_embedded

    settings.SWITCHBOARD_RTP_PORT_MIN, settings.SWITCHBOARD_RTP_PORT_MAX = 20000, 29999
    running = await start_embedded(sip_port=free_port())
    engine = running.engine
    sipp = Sipp(workdir, engine.endpoint.local_address("udp")[1])
    phone_ports = [free_port() for _ in range(args.phones)]
    try:
        await register_agents(sipp.engine_port, agents, phone_ports)
        print(f"registered agents: {len(engine.registrar.bindings)}")
        engine_cpu0 = time.process_time()
        setup = await bench_setup(engine, sipp, args.setup_calls, phone_ports)
        lat = setup["latencies"]
        if lat and setup["reference"]:
            p50, p95 = percentile(lat, 0.5) * 1000, percentile(lat, 0.95) * 1000
            r50, r95 = (percentile(setup["reference"], q) * 1000 for q in (0.5, 0.95))
            print(
                f"call setup INVITE→agent ringing at 20 calls/s over {len(lat)} calls: "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < 200 ms)"
            )
            print(
                f"  reference bare SIPp INVITE→response: p50 {r50:.1f} ms, p95 {r95:.1f} ms; "
                f"ratio p95 {p95 / max(r95, 0.001):.1f}x"
            )
        else:
            print("setup benchmark failed:", setup["log"])
        conc = await bench_concurrency(engine, sipp, args.calls, args.hold, phone_ports)
        engine_cpu = time.process_time() - engine_cpu0
        print(
            f"concurrency: {conc['calls']} bridged calls held {args.hold} s, "
            f"loss {conc['loss'] * 100:.2f} % of {conc['sent']} packets, "
            f"failed calls: {'none' if conc['ok'] else 'some (see log)'}"
        )
        print(
            f"  UDP datagrams dropped by full socket buffers (whole machine): {conc['socket_drops']}"
        )
        if conc["per_call"]:
            worst = sorted(conc["per_call"])
            print(
                f"  per-call loss: median {percentile(worst, 0.5) * 100:.2f} %, "
                f"p95 {percentile(worst, 0.95) * 100:.2f} %, worst {worst[-1] * 100:.2f} %, "
                f"calls above 1 %: {sum(1 for x in worst if x > 0.01)}"
            )
        if not conc["ok"]:
            print(conc["log"])
        ref = await rtpengine_alone(args.calls, args.hold, running.media.client())
        print(
            f"  reference rtpengine alone, {args.calls} calls: loss {ref['loss'] * 100:.2f} % of "
            f"{ref['sent']} packets, generator CPU {ref['cpu']:.1f} s"
        )
        ok_calls = conc["calls"] if conc["ok"] and conc["loss"] < 0.01 else 0
        ref_calls = args.calls if ref["loss"] < 0.01 else 0
        print(f"  ratio full path / rtpengine alone at <1 % loss: {ok_calls}/{ref_calls}")
        print(
            f"CPU seconds: engine process (incl. its Python) {engine_cpu:.1f}, SIPp generators "
            f"{sipp.cpu:.1f}"
        )
    finally:
        await running.stop()
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print("kept", workdir)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--hold", type=int, default=60)
    parser.add_argument("--setup-calls", type=int, default=200)
    parser.add_argument(
        "--phones", type=int, default=4, help="SIPp processes playing the agents' phones"
    )
    arguments = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sportello-bench-"))
    setup_django(work)
    agent_count = max(arguments.calls, 50)
    configure(agent_count)
    from sportello.switchboard import prompts

    prompts.ensure_defaults()
    asyncio.run(main(arguments, work, agent_count))
