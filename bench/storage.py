"""S3 throughput: ideovault's S3 store (stage, hash, checksummed PUT, dedupe check; streamed
reads) against the same transfers done directly with boto3, in the same run, against moto's
S3 server on loopback.

    python bench/storage.py [--files 40] [--size-mb 2]
"""

from __future__ import annotations

import argparse
import os
import time

import boto3
from moto.server import ThreadedMotoServer

from ideovault.blobs.s3 import S3BlobStore


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--size-mb", type=float, default=2.0)
    args = parser.parse_args()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=f"http://{host}:{port}",
    )  # fmt: skip
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="bench")
    blobs = [os.urandom(int(args.size_mb * 2**20)) for _ in range(args.files)]
    total_mb = args.files * args.size_mb

    t0 = time.perf_counter()
    for i, data in enumerate(blobs):
        s3.put_object(Bucket="bench", Key=f"direct/{i}", Body=data)
    t_put = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(len(blobs)):
        s3.get_object(Bucket="bench", Key=f"direct/{i}")["Body"].read()
    t_get = time.perf_counter() - t0

    store = S3BlobStore("bench", "vault")
    keys = []
    t0 = time.perf_counter()
    for data in blobs:
        with store.stage() as staged:
            staged.write(data)
            keys.append(store.commit(staged, "png").key)
    t_ours_put = time.perf_counter() - t0
    t0 = time.perf_counter()
    for key in keys:
        with store.open(key) as fh:
            while fh.read(2**20):
                pass
    t_ours_get = time.perf_counter() - t0
    server.stop()

    print(f"{args.files} files x {args.size_mb} MB to moto's S3 on loopback")
    print(f"  upload   ideovault {total_mb / t_ours_put:7.1f} MB/s   boto3 direct "
          f"{total_mb / t_put:7.1f} MB/s   overhead ratio {t_ours_put / t_put:.2f}x")  # fmt: skip
    print(f"  download ideovault {total_mb / t_ours_get:7.1f} MB/s   boto3 direct "
          f"{total_mb / t_get:7.1f} MB/s   overhead ratio {t_ours_get / t_get:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
