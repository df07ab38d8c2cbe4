"""The FreeClimb gRPC stubs, generated at run time from crates/fcstream/proto/freeclimb.proto
with grpcio-tools, for the interop scripts' independent Python peers (echo_server.py,
python_platform.py): they share no code with fcstream."""
import importlib
import os
import sys

import grpc_tools
from grpc_tools import protoc


def load_stubs(proto_path, out_dir):
    proto_path = os.path.abspath(proto_path)
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    rc = protoc.main([
        "grpc_tools.protoc",
        "-I" + os.path.dirname(proto_path),
        "-I" + include,
        "--python_out=" + out_dir,
        "--grpc_python_out=" + out_dir,
        proto_path,
    ])
    if rc != 0:
        sys.exit("protoc failed with status %d" % rc)
    sys.path.insert(0, out_dir)
    name = os.path.splitext(os.path.basename(proto_path))[0]
    return importlib.import_module(name + "_pb2"), importlib.import_module(name + "_pb2_grpc")
