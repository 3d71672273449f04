"""`make run`: Kafka and the four services as separate processes on SQLite, until Ctrl-C."""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from advocacy_testing.processes import ServiceProcess
from gateway.devissuer import DEMO_ORG, DevIssuerSettings, gateway_issuer_config

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / ".run" / "dev"
PORTS = {
    "gateway": 8000,
    "content": 8001,
    "ambassadors": 8002,
    "metrics": 8003,
    "devissuer": 8009,
}
ISSUER = DevIssuerSettings(env="dev", url=f"http://127.0.0.1:{PORTS['devissuer']}")
DB_SERVICES = ("content", "ambassadors", "metrics")
KAFKA_PORT = os.environ.get("KAFKA_PORT", "9092")


def kafka(command: str) -> None:
    env = {**os.environ, "KAFKA_PORT": KAFKA_PORT, "PYTHON": sys.executable}
    subprocess.run([str(REPO / "scripts" / "kafka-local"), command], env=env, check=True)


def services() -> dict[str, ServiceProcess]:
    """Web processes on 8000-8003; a worker per service with a database, probes on 8101-8103;
    the development identity provider on 8009. Everything runs with ENV=dev, said explicitly:
    the default is production, which refuses the repository's development keys."""
    gateway = f"http://127.0.0.1:{PORTS['gateway']}"
    procs = {
        "devissuer": ServiceProcess(
            "devissuer",
            {
                "DEV_ISSUER_ENV": "dev",
                "DEV_ISSUER_URL": ISSUER.url,
                "DEV_ISSUER_KEY_FILE": str(DEV / "dev-issuer-key.pem"),
            },
            port=PORTS["devissuer"],
            log_dir=DEV / "logs",
            app=("gateway.devissuer:create", "--factory"),
        )
    }
    for name in DB_SERVICES:
        env = {
            f"{name.upper()}_ENV": "dev",
            f"{name.upper()}_DATABASE_URL": f"sqlite+aiosqlite:///{DEV / name}.db",
            f"{name.upper()}_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{KAFKA_PORT}",
            "AMBASSADORS_PUBLIC_BASE_URL": gateway,
        }
        procs[name] = ServiceProcess(name, env, port=PORTS[name], log_dir=DEV / "logs")
        procs[f"{name}-worker"] = ServiceProcess(
            name, env, port=PORTS[name] + 100, log_dir=DEV / "logs", worker=True
        )
    upstreams = {f"GATEWAY_{n.upper()}_URL": procs[n].url for n in DB_SERVICES}
    gateway_env = {
        **upstreams,
        "GATEWAY_ENV": "dev",
        "GATEWAY_OIDC_ISSUERS": gateway_issuer_config(ISSUER),
    }
    procs["gateway"] = ServiceProcess(
        "gateway", gateway_env, port=PORTS["gateway"], log_dir=DEV / "logs"
    )
    return procs


def demo_identities() -> dict[str, str]:
    """One demo organisation with an admin and an employee, stable across restarts."""
    path = DEV / "demo.json"
    if not path.exists():
        fresh = {
            # The development issuer's demo org, so `gateway.devtoken` tokens see the demo data.
            "org_id": str(DEMO_ORG),
            "admin_id": str(uuid.uuid4()),
            "employee_id": str(uuid.uuid4()),
        }
        path.write_text(json.dumps(fresh))
    ids: dict[str, str] = json.loads(path.read_text())
    people = {
        "admin": ("admin_id", ["org_admin", "employee"]),
        "employee": ("employee_id", ["employee"]),
        "operator": ("admin_id", ["operator"]),
    }
    with httpx.Client(base_url=ISSUER.url, timeout=10) as issuer:
        for role, (key, roles) in people.items():
            body = {"roles": roles, "user": ids[key], "org": ids["org_id"]}
            response = issuer.post("/token", json=body)
            response.raise_for_status()
            ids[f"{role}_token"] = response.json()["access_token"]
    (DEV / "tokens.env").write_text(
        "".join(f"{role.upper()}_TOKEN={ids[f'{role}_token']}\n" for role in people)
    )
    return ids


def seed_demo(gateway: str, ids: dict[str, str]) -> None:
    """A program, a LinkedIn sub-program, one ambassador and one approved article."""
    admin = {"Authorization": f"Bearer {ids['admin_token']}"}
    employee = {"Authorization": f"Bearer {ids['employee_token']}"}
    with httpx.Client(base_url=gateway, timeout=10) as gw:
        program = gw.post(
            "/v1/programs", json={"name": "Company ambassadors"}, headers=admin
        ).json()
        sub = gw.post(
            f"/v1/programs/{program['id']}/sub-programs",
            json={"name": "LinkedIn people", "kind": "network"},
            headers=admin,
        ).json()
        gw.post(
            f"/v1/sub-programs/{sub['id']}/members",
            json={"network": "linkedin", "audience_size": 850},
            headers=employee,
        )
        article = {
            "sub_program_ids": [sub["id"]],
            "title": "We open a new plant",
            "url": "https://example.com/plant",
            "topics": ["innovation"],
        }
        item = _create_once_known(gw, article, admin)
        gw.post(f"/v1/content/{item['id']}/approve", headers=admin)
        fair = {
            "kind": "talking_points",
            "sub_program_ids": [sub["id"]],
            "title": "Student forum: what people ask us",
            "details": {
                "occasion": "Student forum",
                "points": [
                    {"question": "Can I work remotely?", "answer": "Two days a week, by team."},
                    {"question": "Do you hire juniors?", "answer": "Yes: 40 graduates a year."},
                ],
            },
        }
        points = _create_once_known(gw, fair, admin)
        gw.post(f"/v1/content/{points['id']}/approve", headers=admin)
    print(f"demo: program {program['id']}, sub-program {sub['id']}, content {item['id']} approved")


def _create_once_known(gw: httpx.Client, body: dict[str, object], headers: dict[str, str]) -> Any:
    """Create a content item; content refuses a sub-program it has not heard of yet (422)."""
    deadline = time.monotonic() + 30
    while True:
        response = gw.post("/v1/content", json=body, headers=headers)
        if response.status_code != 422 or time.monotonic() > deadline:
            response.raise_for_status()
            return response.json()
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="seed a demo program and content")
    args = parser.parse_args()
    DEV.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    procs = services()
    try:
        kafka("start")
        for name in DB_SERVICES:
            procs[name].migrate()
        for proc in procs.values():
            proc.start()
        ids = demo_identities()
        gateway = procs["gateway"].url
        if args.demo:
            seed_demo(gateway, ids)
        print(f"\ngateway:  {gateway}\nAPI docs: {gateway}/docs\nlogs:     {DEV / 'logs'}")
        print(f"tokens:   {DEV / 'tokens.env'} (demo org {ids['org_id']}; dev only)")
        print("Ctrl-C stops everything.\n")
        while all(p.process and p.process.poll() is None for p in procs.values()):
            time.sleep(0.5)
        print("a service stopped (see its log if you did not press Ctrl-C); stopping the rest.")
    except KeyboardInterrupt:
        pass
    finally:
        # Ctrl-C reaches every process of the terminal's group, sometimes more than once:
        # finish the clean-up regardless, or the broker would outlive us.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for proc in procs.values():
            proc.stop()
        kafka("stop")


if __name__ == "__main__":
    main()
