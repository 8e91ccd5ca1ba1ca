"""A real DynamoDB-speaking HTTP server for the tests: moto's ``moto_server``, on a free port.

The skill talks to it exactly as to AWS (boto3 over HTTP, found through
``AWS_ENDPOINT_URL_DYNAMODB``), so nothing of boto3 is mocked.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(port: int) -> list[str]:
    # The script moto[server] installs beside the interpreter (.venv/bin/moto_server).
    script = Path(sys.executable).with_name("moto_server")
    launcher = [str(script)] if script.exists() else [sys.executable, "-m", "moto.server"]
    return [*launcher, "-H", "127.0.0.1", "-p", str(port)]


@dataclass
class MotoServer:
    endpoint: str
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, timeout_s: float = 30.0) -> MotoServer:
        port = _free_port()
        process = subprocess.Popen(
            _command(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        server = cls(f"http://127.0.0.1:{port}", process)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"moto_server exited with {process.returncode}")
            if server.answers():
                return server
            time.sleep(0.1)
        server.stop()
        raise TimeoutError(f"moto_server did not answer within {timeout_s} seconds")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.endpoint, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer means it is serving
        except OSError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def create_table(self, name: str) -> None:
        """A table shaped as the deployment's: partition key ``user_key`` (a string)."""
        client = self.client()
        client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "user_key", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "user_key", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )
