using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ElectronicLicense.Licenses.Storage;
using Minio;
using Minio.DataModel.Args;

namespace ElectronicLicense.Bench;

/// <summary>
/// One large archive package through the MinIO blob store into s3rver: a generated stream of N MiB that cannot seek (as a
/// package being written is), put with multipart upload, verified by read-back, then read again; prints MB/s and the
/// process's peak working set and managed heap against the package's size, to show memory stays flat.
/// </summary>
internal static class StoreBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var mib = 1024;
        var s3 = Environment.GetEnvironmentVariable("ELIC_BENCH_S3");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mib" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var m) && m > 0:
                    mib = m;
                    i++;
                    break;
                case "--s3" when i + 1 < args.Length:
                    s3 = args[++i];
                    break;
                default:
                    Console.Error.WriteLine("usage: Licenses.Bench store [--mib N (1024)] [--s3 <s3rver url>]   (ELIC_BENCH_S3 when --s3 is not given)");
                    return 2;
            }
        }

        if (string.IsNullOrWhiteSpace(s3))
        {
            Console.Error.WriteLine("store: no S3 server (bench/run.sh store starts s3rver; or set ELIC_BENCH_S3)");
            return 2;
        }

        var output = Console.Out;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"elic store benchmark: one {mib:N0} MiB package through the MinIO client into s3rver at {s3}"));
        output.WriteLine(BenchSupport.Machine());
        var endpoint = new Uri(s3);
        var bucket = "elic-bench-" + Guid.NewGuid().ToString("N")[..12];
        using (var admin = new MinioClient().WithEndpoint(endpoint.Host, endpoint.Port).WithSSL(false).WithCredentials("S3RVER", "S3RVER").Build())
        {
            await admin.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket));
        }

        var store = BlobStores.CreateMinio(new S3BucketOptions { ServiceUrl = s3, Bucket = bucket, AccessKey = "S3RVER", SecretKey = "S3RVER" });
        var size = (long)mib * 1024 * 1024;
        var sampler = new MemorySampler();
        using var sampling = new CancellationTokenSource();
        var sampled = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                sampler.Sample(0, TimeSpan.Zero);
                await Task.Delay(50, CancellationToken.None);
            }
        });

        var before = Environment.WorkingSet;
        var put = Stopwatch.StartNew();
        var stored = await store.PutAsync("packages/large.tar", new GeneratedStream(size));
        put.Stop();
        var read = Stopwatch.StartNew();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var stream = await store.OpenReadAsync("packages/large.tar"))
        {
            var buffer = new byte[128 * 1024];
            int n;
            while ((n = await stream!.ReadAsync(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, n);
            }
        }

        read.Stop();
        await sampling.CancelAsync();
        await sampled;
        (store as IDisposable)?.Dispose();

        var same = Convert.ToHexStringLower(hash.GetHashAndReset()) == stored.Sha256 && stored.Length == size;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  put (spool, SHA-256, multipart in 16 MiB parts, read-back check): {put.Elapsed.TotalSeconds:0.0} s = {mib / put.Elapsed.TotalSeconds:0} MiB/s"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  open and read back: {read.Elapsed.TotalSeconds:0.0} s = {mib / read.Elapsed.TotalSeconds:0} MiB/s; digest {(same ? "equal" : "DIFFERENT")}"));
        output.WriteLine(
            $"  working set before {MemorySampler.Megabytes(before)}, peak {MemorySampler.Megabytes(Math.Max(sampler.PeakWorkingSet, MemorySampler.ProcessPeakWorkingSet()))}; peak managed heap {MemorySampler.Megabytes(sampler.PeakHeap)}; package {mib:N0} MiB");
        return same ? 0 : 1;
    }

    /// <summary>Pseudo-random bytes made on the fly: a package that exists nowhere in memory as a whole, and cannot seek.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private readonly Random random = new(1024);
        private long position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - position);
            random.NextBytes(buffer[..n]);
            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
