"""nbtrace_emit: write nbtrace contract traces from Python (standard library only, Python 3.8+).

A trace is JSON Lines (schemas/trace.schema.json, docs/trace-points.md): one header, value records
``{"type":"value","seq":N,"name":"NAME","loop":{...},"value":V}`` and a footer. Doubles are written
exactly as JavaScript prints them (``String(x)``), ``-0`` as ``-0`` and NaN/±Infinity as the strings
``"NaN"``, ``"Infinity"``, ``"-Infinity"``, so a Python port's trace compares bit for bit with the C and
TypeScript engines' traces.

Usage::

    from nbtrace_emit import TraceEmitter

    with TraceEmitter("cand.jsonl", producer="my-port", version="0.3.1", pixel=(31, 40),
                      args=sys.argv[1:], precision="float64") as tr:
        tr.emit("fpixels", 64)
        tr.emit("phi", phi, thick=0, subS=0, subF=0, source=0, phi=0)
        # vectorized code: one call per array, one record per element along a loop axis
        tr.emit_axis("phi", phis, axis="phi", thick=0, subS=0, subF=0, source=0)

The file is written to a temporary sibling and renamed into place on close (``os.replace``), so no
half-written trace is ever left at the target path. An exception inside the ``with`` block closes the
trace with an ``"aborted"`` footer carrying the exception as ``reason`` (and re-raises it).
"""

import datetime
import hashlib
import json
import math
import os
import random
import re

__all__ = [
    "TraceEmitter",
    "js_number",
    "encode_json",
    "canonical_json",
    "config_hash",
    "input_file",
    "LOOP_ORDER",
]

__version__ = "1.0.0"

LOOP_ORDER = ("thick", "subS", "subF", "source", "phi", "mosaic")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENUM = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_PRECISIONS = ("float64", "float32", "unknown")
_ROLES = ("hkl", "sourcefile", "matrix", "fdump", "img", "mask", "log")
_SAFE_INT = 2 ** 53


# --------------------------------------------------------------------------------------------
# Exact number and JSON encoding


def js_number(x):
    """Text of a finite number as JavaScript's ``String(x)`` prints it.

    ``repr(float)`` already gives the shortest round-trip digits (as JavaScript does); only the layout
    differs: Python ``1e-07`` is JavaScript ``1e-7``, ``1e+16`` is ``10000000000000000``, ``123.0`` is
    ``123``. Both zeros print as ``0`` (use :func:`encode_number` to keep ``-0``).
    """
    if isinstance(x, bool):
        raise TypeError("booleans are not numbers in a trace")
    if isinstance(x, int):
        if -_SAFE_INT <= x <= _SAFE_INT:
            return str(x)
        x = float(x)
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("js_number needs a finite number, got %r" % x)
    if x == 0.0:
        return "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))
    if "e" in r:
        mant, exp = r.split("e")
        exp = int(exp)
    else:
        mant, exp = r, 0
    if "." in mant:
        ip, fp = mant.split(".")
    else:
        ip, fp = mant, ""
    digits = ip + fp
    n = len(ip) + exp  # value = 0.digits * 10**n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    s = stripped.rstrip("0") or "0"
    k = len(s)
    # ECMAScript Number::toString(x) for x > 0 with digits s (length k) and exponent n
    if k <= n <= 21:
        out = s + "0" * (n - k)
    elif 0 < n <= 21:
        out = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + s
    else:
        e = n - 1
        es = ("+" if e >= 0 else "-") + str(abs(e))
        out = (s if k == 1 else s[0] + "." + s[1:]) + "e" + es
    return sign + out


def encode_number(x):
    """JSON text of one number slot: exact digits, ``-0`` kept, non-finite as strings."""
    if isinstance(x, bool):
        raise TypeError("booleans are not numbers in a trace")
    if isinstance(x, int):
        return js_number(x)
    x = float(x)
    if math.isnan(x):
        return '"NaN"'
    if math.isinf(x):
        return '"Infinity"' if x > 0 else '"-Infinity"'
    if x == 0.0 and math.copysign(1.0, x) < 0:
        return "-0"
    return js_number(x)


def js_string(s):
    """``JSON.stringify`` of a string (escapes ", \\, control characters; keeps Unicode)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(o, "\\u%04x" % o))
        elif 0xD800 <= o <= 0xDFFF:
            out.append("\\u%04x" % o)  # lone surrogate, as well-formed JSON.stringify does
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _as_plain(v):
    """numpy/torch arrays and scalars -> Python lists/scalars (without importing those libraries)."""
    if hasattr(v, "tolist") and not isinstance(v, (str, bytes)):
        return v.tolist()
    return v


def encode_json(v, sort_keys=False):
    """JSON text with exact numbers; dicts keep insertion order unless sort_keys (UTF-16 order, as JS)."""
    v = _as_plain(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return encode_number(v)
    if isinstance(v, str):
        return js_string(v)
    if isinstance(v, dict):
        keys = [k for k in v.keys() if not (v[k] is _UNDEFINED)]
        for k in keys:
            if not isinstance(k, str):
                raise TypeError("JSON object keys must be strings, got %r" % (k,))
        if sort_keys:
            keys = sorted(keys, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(js_string(k) + ":" + encode_json(v[k], sort_keys) for k in keys) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(encode_json(x, sort_keys) for x in v) + "]"
    raise TypeError("cannot encode %s in a trace" % type(v).__name__)


_UNDEFINED = object()


def canonical_json(v):
    """Canonical JSON: keys sorted, no whitespace, numbers as JavaScript prints them."""
    return encode_json(v, sort_keys=True)


def config_hash(config):
    """SHA-256 (hex) of the canonical JSON of a resolved configuration (header field configHash)."""
    return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_file(role, path):
    """Header entry for an input file: {role, path, sha256}."""
    if role not in _ROLES:
        raise ValueError("input role must be one of %s, got %r" % (", ".join(_ROLES), role))
    return {"role": role, "path": str(path), "sha256": _sha256_file(path)}


def _iso_now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


# --------------------------------------------------------------------------------------------
# Catalogue (optional name / shape / loop-scope checks)


def _default_catalogue_path():
    here = os.path.dirname(os.path.abspath(__file__))
    p = os.path.join(here, "..", "..", "schemas", "catalogue.json")
    return p if os.path.exists(p) else None


def _load_catalogue(catalogue):
    if catalogue is False:
        return None
    path = _default_catalogue_path() if catalogue in (None, True) else catalogue
    if path is None:
        if catalogue is True:
            raise FileNotFoundError("schemas/catalogue.json not found next to the emitter")
        return None
    with open(path, "r", encoding="utf-8") as f:
        data = json.load(f)
    return {v["name"]: v for v in data.get("variables", [])}


# --------------------------------------------------------------------------------------------
# The emitter


class TraceEmitter(object):
    """Writes one contract trace. Use as a context manager, or call close()/abort() yourself.

    producer, version: name and version of the simulator writing the trace.
    pixel: (slow, fast) or {"slow": s, "fast": f} or None.
    args: the command line (list of strings). config: resolved configuration dict or None
    (configHash is computed from it). inputs: list of input_file(...) dicts or (role, path) pairs.
    precision: "float64", "float32" or "unknown". commit, flags, fixes, faults: optional producer info.
    catalogue: None (use schemas/catalogue.json when found), a path, or False (no checks); with a
    catalogue, emit() refuses unknown names and loop keys outside the variable's scope.
    """

    def __init__(self, path, producer, version, pixel=None, args=(), config=None, inputs=(),
                 precision="float64", commit=None, flags=None, fixes=None, faults=None,
                 catalogue=None):
        if precision not in _PRECISIONS:
            raise ValueError("precision must be one of %s, got %r" % (", ".join(_PRECISIONS), precision))
        if not producer:
            raise ValueError("producer name must not be empty")
        self.path = str(path)
        self.count = 0
        self.closed = False
        self._catalogue = _load_catalogue(catalogue)
        prod = {"name": str(producer), "version": str(version), "commit": commit, "language": "python", "precision": precision}
        if flags is not None:
            prod["flags"] = dict(flags)
        if fixes is not None:
            prod["fixes"] = [str(x) for x in fixes]
        if faults is not None:
            prod["faults"] = [str(x) for x in faults]
        if pixel is None:
            px = None
        elif isinstance(pixel, dict):
            px = {"slow": int(pixel["slow"]), "fast": int(pixel["fast"])}
        else:
            s, f = pixel
            px = {"slow": int(s), "fast": int(f)}
        ins = []
        for i in inputs:
            ins.append(i if isinstance(i, dict) else input_file(i[0], i[1]))
        header = {
            "type": "header",
            "schema": "nbtrace-trace",
            "version": 1,
            "format": "nbtrace",
            "producer": prod,
            "pixel": px,
            "args": [str(a) for a in args],
            "config": config,
            "configHash": config_hash(config) if config is not None else None,
            "inputs": ins,
            "created": _iso_now(),
            "catalogue": 1,
        }
        d = os.path.dirname(os.path.abspath(self.path))
        self._tmp = os.path.join(d, ".%s.nbtrace-tmp-%d-%06x" % (os.path.basename(self.path), os.getpid(), random.getrandbits(24)))
        self._f = open(self._tmp, "w", encoding="utf-8", newline="\n")
        try:
            self._f.write(encode_json(header) + "\n")
        except BaseException:
            self.discard()
            raise

    # -- values -------------------------------------------------------------------------------

    def _value_text(self, name, value):
        value = _as_plain(value)
        if isinstance(value, bool) or value is None:
            raise TypeError("%s: a trace value is a number, a list of numbers or an enum string, got %r" % (name, value))
        if isinstance(value, (int, float)):
            return encode_number(value)
        if isinstance(value, str):
            if not _ENUM.match(value):
                raise ValueError("%s: enum strings must match [A-Za-z][A-Za-z0-9_-]*, got %r" % (name, value))
            return js_string(value)
        if isinstance(value, (list, tuple)):
            if not 3 <= len(value) <= 9:
                raise ValueError("%s: vector/matrix values have 3 to 9 numbers, got %d" % (name, len(value)))
            parts = []
            for x in value:
                x = _as_plain(x)
                if isinstance(x, bool) or not isinstance(x, (int, float)):
                    raise TypeError("%s: vector elements must be numbers, got %r" % (name, x))
                parts.append(encode_number(x))
            return "[" + ",".join(parts) + "]"
        raise TypeError("%s: cannot trace a value of type %s" % (name, type(value).__name__))

    def _loop_text(self, name, loop):
        for k in loop:
            if k not in LOOP_ORDER:
                raise ValueError("%s: unknown loop key %r (loop keys: %s)" % (name, k, ", ".join(LOOP_ORDER)))
        if self._catalogue is not None:
            d = self._catalogue.get(name)
            if d is None:
                raise ValueError("%s is not a catalogue variable (schemas/catalogue.json)" % name)
            want = d.get("loop", [])
            if set(loop) != set(want):
                raise ValueError("%s: loop keys {%s} expected, got {%s}" % (name, ", ".join(want), ", ".join(k for k in LOOP_ORDER if k in loop)))
        parts = []
        for k in LOOP_ORDER:
            if k in loop:
                i = _as_plain(loop[k])
                if isinstance(i, bool) or not isinstance(i, int) or i < 0:
                    if isinstance(i, float) and i.is_integer() and i >= 0:
                        i = int(i)
                    else:
                        raise ValueError("%s: loop index %s must be an integer >= 0, got %r" % (name, k, i))
                parts.append('"%s":%d' % (k, i))
        return "{" + ",".join(parts) + "}"

    def emit(self, name, value, **loop):
        """Writes one value record: emit("phi", 0.1, thick=0, subS=0, subF=0, source=0, phi=2)."""
        if self.closed:
            raise ValueError("trace %s is closed" % self.path)
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError("trace point names match [A-Za-z_][A-Za-z0-9_]*, got %r" % (name,))
        line = '{"type":"value","seq":%d,"name":"%s","loop":%s,"value":%s}\n' % (
            self.count, name, self._loop_text(name, loop), self._value_text(name, value))
        self._f.write(line)
        self.count += 1

    def emit_axis(self, name, values, axis="phi", start=0, **fixed_loop):
        """One record per element of values along a loop axis (index start, start+1, ...).

        values: a list/tuple or anything with .tolist() (numpy, torch); for vector variables each
        element is itself a 3- or 9-element row. fixed_loop: the other loop coordinates.
        """
        if axis not in LOOP_ORDER:
            raise ValueError("axis must be one of %s, got %r" % (", ".join(LOOP_ORDER), axis))
        if axis in fixed_loop:
            raise ValueError("%s is the axis; do not pass it in fixed_loop" % axis)
        values = _as_plain(values)
        if not isinstance(values, (list, tuple)):
            raise TypeError("%s: emit_axis needs a sequence, got %s" % (name, type(values).__name__))
        for i, v in enumerate(values):
            loop = dict(fixed_loop)
            loop[axis] = start + i
            self.emit(name, v, **loop)

    # -- closing ------------------------------------------------------------------------------

    def close(self, status="complete", reason=None):
        """Writes the footer and renames the file into place."""
        if self.closed:
            return
        footer = '{"type":"footer","count":%d,"status":"%s"' % (self.count, status)
        if status == "aborted":
            footer += ',"reason":' + js_string(reason or "aborted")
        elif status != "complete":
            raise ValueError("status must be complete or aborted")
        self._f.write(footer + "}\n")
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()
        self.closed = True
        os.replace(self._tmp, self.path)

    def abort(self, reason):
        """Closes the trace with an aborted footer (the run stopped early)."""
        self.close("aborted", " ".join(str(reason).split()) or "aborted")

    def discard(self):
        """Drops the partial trace: nothing is left at the target path."""
        if not self._f.closed:
            self._f.close()
        self.closed = True
        try:
            os.remove(self._tmp)
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        elif not self.closed:
            self.abort("%s: %s" % (exc_type.__name__, exc) if str(exc) else exc_type.__name__)
        return False

