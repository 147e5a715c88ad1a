"""``weights.py`` of an export: safetensors read and written with numpy alone.

The format is an 8-byte little-endian header length, a JSON header naming each
tensor's dtype, shape and byte range, then the raw bytes; a few lines of numpy read
it, so the exported folder needs neither Nodeplay nor the safetensors package.
"""

WEIGHTS_PY = '''"""Read and write safetensors files with numpy alone (no safetensors package needed).

A file is an 8-byte little-endian header length, a JSON header giving each tensor's
dtype, shape and byte range, then the raw little-endian bytes.
"""

import json
import struct

import numpy as np
import torch

DTYPES = {
    "F32": "<f4",
    "F64": "<f8",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "U8": "u1",
}
CODES = {np.dtype(v): k for k, v in DTYPES.items()}


def load_weights(path):
    """A state dict of tensors from a safetensors file."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    header.pop("__metadata__", None)
    state = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=DTYPES[info["dtype"]])
        state[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return state


def save_weights(state, path):
    """Write a state dict of tensors as a safetensors file."""
    header, chunks, offset = {}, [], 0
    for name, tensor in state.items():
        array = np.ascontiguousarray(tensor.detach().cpu().numpy())
        array = array.astype(array.dtype.newbyteorder("<"))
        blob = array.tobytes()
        code = CODES[np.dtype(array.dtype.str)]
        header[name] = {
            "dtype": code,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        chunks.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.writelines(chunks)
'''
