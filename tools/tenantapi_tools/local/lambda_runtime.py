"""The template's Python functions, run in this process the way the Lambda runtime runs them.

Each function's handler module is imported once (its cold start) from `CodeUri` under a module
name of its own, since several functions ship an `app.py`. Invocations run on worker threads
that each own an event loop, as Lambda's main thread does (Mangum needs one). As on Lambda, the
import is the init phase, bounded by its own 10 seconds, and each invocation is bounded by the
function's Timeout. Events and results go through JSON, as they do between API Gateway, Lambda
and the handler. The functions' environment variables are the process's (function_environment.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import json
import queue
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from tenantapi_tools.local.api_model import FunctionSpec
from tenantapi_tools.local.iam import acting_as
from tenantapi_tools.local.intrinsics import function_arn

__all__ = ["FunctionError", "FunctionTimeout", "LambdaContext", "LocalFunction", "WorkerPool"]

INIT_TIMEOUT_SECONDS = 10  # Lambda's limit on a function's init phase


class FunctionError(Exception):
    """The invocation failed: the handler raised (str() is its message), did not load, or answered
    something that is not JSON."""


class FunctionTimeout(FunctionError):
    pass


@dataclass
class LambdaContext:
    """The attributes and method of the Lambda context object that handlers and Powertools use."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    aws_request_id: str
    deadline: float  # time.monotonic() at which the function times out
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class WorkerPool:
    """Daemon threads with an event loop each; grows up to `max_workers` while all are busy.

    Daemon threads, so that a handler that never returns cannot keep the process alive.
    """

    def __init__(self, max_workers: int = 64) -> None:
        self._max = max_workers
        self._tasks: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], Callable[[], Any]] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._workers = 0
        self._closed = False

    def submit(self, task: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            self._tasks.put((future, task))
            if self._idle > 0:
                self._idle -= 1  # that idle worker is now spoken for
            elif self._workers < self._max:
                self._workers += 1
                threading.Thread(target=self._work, name=f"lambda-worker-{self._workers}", daemon=True).start()
        return future

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for _ in range(self._workers):
                self._tasks.put(None)

    def _work(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            while (item := self._tasks.get()) is not None:
                future, task = item
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(task())
                    except BaseException as error:  # noqa: BLE001 - handed to the waiting caller
                        future.set_exception(error)
                with self._lock:
                    self._idle += 1
        finally:
            loop.close()


@dataclass
class LocalFunction:
    spec: FunctionSpec
    pool: WorkerPool
    _handler: Callable[[Any, Any], Any] | None = field(default=None, init=False)
    _load_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def invoke(self, event: dict[str, Any], *, wait_seconds: float | None = None) -> Any:
        """Run the handler; raise FunctionTimeout after the function's Timeout or `wait_seconds`."""
        if self._handler is None:  # the init phase: the import, outside the invocation's Timeout
            loading = self.pool.submit(self._load)
            try:
                loading.result(timeout=INIT_TIMEOUT_SECONDS)
            except concurrent.futures.TimeoutError:
                raise FunctionTimeout(f"Init timed out after {INIT_TIMEOUT_SECONDS} seconds") from None
            except Exception as error:
                print(f"[{self.spec.logical_id}] init failed:", file=sys.stderr)
                traceback.print_exception(error, file=sys.stderr)
                raise FunctionError(f"Init failed: {error}") from error
        timeout = self.spec.timeout_seconds
        context = LambdaContext(
            function_name=self.spec.logical_id,
            memory_limit_in_mb=self.spec.memory_mb,
            invoked_function_arn=function_arn(self.spec.logical_id),
            aws_request_id=str(uuid.uuid4()),
            deadline=time.monotonic() + timeout,
            log_group_name=f"/aws/lambda/{self.spec.logical_id}",
            log_stream_name=time.strftime("%Y/%m/%d/[$LATEST]") + uuid.uuid4().hex,
        )
        payload = json.dumps(event)
        future = self.pool.submit(lambda: self._run(payload, context))
        wait = timeout if wait_seconds is None else min(timeout, wait_seconds)
        try:
            return future.result(timeout=wait)
        except concurrent.futures.TimeoutError:
            raise FunctionTimeout(f"Task timed out after {wait:.2f} seconds") from None

    def _run(self, payload: str, context: LambdaContext) -> Any:
        try:
            handler = self._load()
            with self._role():
                result = handler(json.loads(payload), context)
            # Lambda serialises the result to JSON: anything else fails the invocation.
            return json.loads(json.dumps(result))
        except Exception as error:
            # Lambda writes an unhandled error to the function's log; here that is stderr.
            print(f"[{self.spec.logical_id}] invocation failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            raise FunctionError(str(error)) from error

    def _load(self) -> Callable[[Any, Any], Any]:
        with self._load_lock:
            if self._handler is None:
                with self._role():
                    self._handler = _load_handler(self.spec)
            return self._handler

    def _role(self) -> AbstractContextManager[None]:
        """The function's DynamoDB calls, init and invocation, held to its role's policy as IAM
        holds them on AWS (iam.py). They go through the engine's one client per process."""
        if self.spec.policy is None:
            return nullcontext()
        from tenantapi.storage.dynamo import client

        return acting_as(self.spec.policy, client())


def _load_handler(spec: FunctionSpec) -> Callable[[Any, Any], Any]:
    if spec.runtime and not spec.runtime.startswith("python"):
        raise FunctionError(f"{spec.logical_id}: runtime {spec.runtime} cannot run in this process")
    module_path, _, attribute = spec.handler.rpartition(".")
    if not module_path or not attribute:
        raise FunctionError(f"{spec.logical_id}: Handler {spec.handler!r} is not module.function")
    source = spec.code_dir / (module_path.replace(".", "/") + ".py")
    name = "_tenantapi_local_" + re.sub(r"\W", "_", f"{spec.logical_id}_{module_path}")
    # Lambda puts the code folder on sys.path, so the handler's own sibling modules import.
    if str(spec.code_dir) not in sys.path:
        sys.path.append(str(spec.code_dir))
    module_spec = importlib.util.spec_from_file_location(name, source)
    if module_spec is None or module_spec.loader is None or not source.is_file():
        raise FunctionError(f"{spec.logical_id}: no handler module at {source}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except BaseException:
        # A failed init is retried on the next invocation, as Lambda retries a failed cold start.
        del sys.modules[name]
        raise
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise FunctionError(f"{spec.logical_id}: {spec.handler} is not a callable")
    return handler
