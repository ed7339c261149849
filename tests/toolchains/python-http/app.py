"""A `wasi:http/incoming-handler@0.2` in Python, built into a component by componentize-py
(scripts/build-toolchains.mjs) and served by Terrarium's `serve()` in tests/node/serve.test.mjs.
It answers every request with `componentize-py: METHOD PATH`, a newline, and the request body
upper-cased, with an `x-test` header echoing the request's."""

from componentize_py_types import Err, Ok
from wit_world import exports
from wit_world.imports.streams import StreamError_Closed
from wit_world.imports.types import (
    Fields,
    IncomingRequest,
    Method_Other,
    OutgoingBody,
    OutgoingResponse,
    ResponseOutparam,
)


def method_name(method) -> str:
    if isinstance(method, Method_Other):
        return method.value
    return type(method).__name__.removeprefix("Method_").upper()


def read_all(request: IncomingRequest) -> bytes:
    data = bytearray()
    with request.consume() as body:
        with body.stream() as stream:
            while True:
                try:
                    data += stream.blocking_read(4096)
                except Err as e:
                    if isinstance(e.value, StreamError_Closed):
                        break
                    raise
    return bytes(data)


class IncomingHandler(exports.IncomingHandler):
    def handle(self, request: IncomingRequest, response_out: ResponseOutparam) -> None:
        test = b", ".join(request.headers().get("x-test"))
        text = f"componentize-py: {method_name(request.method())} {request.path_with_query()}\n".encode()
        text += read_all(request).upper()
        response = OutgoingResponse(Fields.from_list([("content-type", b"text/plain"), ("x-test", test)]))
        body = response.body()
        ResponseOutparam.set(response_out, Ok(response))
        with body.write() as stream:
            for at in range(0, len(text), 4096):
                stream.blocking_write_and_flush(text[at : at + 4096])
        OutgoingBody.finish(body, None)
