#!/usr/bin/python3
"""serve_bench.py BIN EXAMPLE [RUNS] - `make bench`'s figures for `fivestar
serve` (issue 15): the `check` call on the example (target < 5 ms) and a
form preview, GET …/forms/评定标准.pdf (target < 60 ms), each the median
of RUNS requests over one kept-alive loopback connection, measured from
sending the request to having read the whole answer.  Figures are printed
with whether the target is met, never asserted.
"""
import http.client
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse


def main():
    binary, example = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 21
    work = tempfile.mkdtemp(prefix='fivestar-serve-bench-')
    shutil.copy(example, os.path.join(work, 'example.xml'))
    server = subprocess.Popen([binary, 'serve', work, '--port', '0', '--no-open'],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        address = server.stdout.readline().decode().strip()
        port = int(address.split(':')[2].split('/')[0])
        token = address.split('token=')[1]
        conn = http.client.HTTPConnection('127.0.0.1', port)
        headers = {'Authorization': 'Bearer ' + token, 'Host': '127.0.0.1:%d' % port}
        with open(example, 'rb') as f:
            body = f.read()

        def median_ms(method, path, data=None):
            times = []
            for i in range(runs + 1):
                t0 = time.perf_counter()
                conn.request(method, path, body=data, headers=headers)
                res = conn.getresponse()
                res.read()
                t1 = time.perf_counter()
                if res.status != 200:
                    raise SystemExit('serve bench: %s %s gave %d' % (method, path, res.status))
                if i:       # the first warms the caches (fonts, forms template)
                    times.append((t1 - t0) * 1000)
            return statistics.median(times)

        ms = median_ms('POST', '/api/dossiers/example.xml/check', body)
        print('serve: check of the example: median %.2f ms   [target: 5 ms: %s]'
              % (ms, 'met' if ms < 5 else 'MISSED'))
        ms = median_ms('GET', '/api/dossiers/example.xml/forms/' + urllib.parse.quote('评定标准.pdf'))
        print('serve: preview of 评定标准.pdf: median %.2f ms   [target: 60 ms: %s]'
              % (ms, 'met' if ms < 60 else 'MISSED'))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
