#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hostctl.py QMP-SOCKET CTL-SOCKET: the host's side of a guest's requests.

tools/run-guest.sh starts it next to QEMU.  The guest writes one request
per line to its third serial port (/dev/ttyS2, CTL-SOCKET here), and gets
one reply line back once the host has done it:

  ping                      -> pong
  del ID                    -> ok del ID, after QEMU's DEVICE_DELETED event
                               for ID (the guest ejected the device), or
                               err ...
  add ID DRIVER [K=V ...]   -> ok add ID once QEMU added the device (the
                               guest sees it through ACPI hotplug), or err ...

Every request, QMP command, event and reply is logged on stdout.  It exits
when QEMU closes either socket.
"""
import json
import socket
import sys
import time

EVENT_TIMEOUT = 120.0


def log(*args):
    print(time.strftime('%H:%M:%S'), *args, flush=True)


def connect(path, deadline=30.0):
    end = time.monotonic() + deadline
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > end:
                raise
            time.sleep(0.1)


class Qmp:
    def __init__(self, path):
        self.sock = connect(path)
        self.buf = b''
        self.events = []
        greeting = self.recv(None)
        log('qmp:', json.dumps(greeting)[:200])
        self.command('qmp_capabilities')

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        while b'\n' not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError('QMP closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        log('qmp ->', json.dumps(msg))
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            m = self.recv(EVENT_TIMEOUT)
            if 'event' in m:
                log('qmp event:', json.dumps(m))
                self.events.append(m)
                continue
            log('qmp <-', json.dumps(m))
            if 'error' in m:
                raise RuntimeError(m['error'].get('desc', 'error'))
            return m.get('return')

    def wait_event(self, name, device):
        end = time.monotonic() + EVENT_TIMEOUT
        while True:
            for i, m in enumerate(self.events):
                if (m['event'] == name and
                        m.get('data', {}).get('device') == device):
                    del self.events[i]
                    return m
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError('no %s event for %s' % (name, device))
            m = self.recv(left)
            if 'event' in m:
                log('qmp event:', json.dumps(m))
                self.events.append(m)


def handle(qmp, line):
    words = line.split()
    if not words:
        return 'err empty request'
    if words == ['ping']:
        return 'pong'
    if words[0] == 'del' and len(words) == 2:
        qmp.command('device_del', id=words[1])
        qmp.wait_event('DEVICE_DELETED', words[1])
        return 'ok del ' + words[1]
    if words[0] == 'add' and len(words) >= 3:
        args = {'id': words[1], 'driver': words[2]}
        for kv in words[3:]:
            k, _, v = kv.partition('=')
            args[k] = v
        qmp.command('device_add', **args)
        return 'ok add ' + words[1]
    return 'err unknown request: ' + line


def main():
    qmp = Qmp(sys.argv[1])
    ctl = connect(sys.argv[2])
    buf = b''
    while True:
        data = ctl.recv(4096)
        if not data:
            log('guest closed the control port')
            return 0
        buf += data
        while b'\n' in buf:
            raw, buf = buf.split(b'\n', 1)
            line = raw.decode(errors='replace').strip('\r\0 ')
            if not line:
                continue
            log('guest:', line)
            try:
                reply = handle(qmp, line)
            except (RuntimeError, TimeoutError) as e:
                reply = 'err ' + str(e)
            log('reply:', reply)
            ctl.sendall(reply.encode() + b'\n')


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (EOFError, ConnectionError, OSError) as e:
        log('hostctl: done:', e)
        sys.exit(0)
