using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Licenses.Tests.Storage;

/// <summary>The contract on a bucket of the test S3 server (s3rver) through the MinIO client, under a key prefix.</summary>
public sealed class MinioBlobStoreContractTests : BlobStoreContractTests
{
    private readonly S3rverForMinio server = new();
    private string? bucket;

    protected override async Task<IBlobStore> CreateStoreAsync()
    {
        bucket = await S3TestServer.CreateBucketAsync();
        return BlobStores.CreateMinio(S3TestServer.Options(bucket, prefix: "elic/test"), new HttpClient(server));
    }

    // s3rver lists "a/b" before "a.b" (it walks its folders); S3 and MinIO compare whole keys as the store's contract says.
    protected override bool ListsInWholeKeyOrder => false;

    protected override Task DisposeStoreAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_package_over_16_MiB_goes_up_in_parts_and_reads_back_whole_with_its_digest_as_metadata()
    {
        // The client sends objects of 5 MiB and more as multipart uploads in parts of 16 MiB, read one at a time.
        var bytes = RandomNumberGenerator.GetBytes((33 * 1024 * 1024) + 5);
        var stored = await Store.PutAsync("packages/p.tar", new NonSeekableStream(new MemoryStream(bytes)));

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
        Assert.Contains(server.Requests, r => r.Method == HttpMethod.Post && r.Query.Contains("uploads", StringComparison.Ordinal));
        Assert.True(server.Requests.Count(r => r.Method == HttpMethod.Put && r.Query.Contains("partNumber=", StringComparison.Ordinal)) == 3,
            string.Join("\n", server.Requests.Select(r => r.Method + " " + r.Query)));
        await using (var read = await Store.OpenReadAsync("packages/p.tar"))
        {
            using var copy = new MemoryStream();
            await read!.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        // What the server holds, seen through the other client: the whole object under the prefix with its SHA-256.
        using var client = S3TestServer.Client(bucket!);
        var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "elic/test/packages/p.tar" });
        Assert.Equal(bytes.Length, head.ContentLength);
        Assert.Equal(stored.Sha256, head.Metadata["x-amz-meta-sha256"]);
        Assert.False(await Store.EnforcesRetentionAsync()); // s3rver has no object lock
        Assert.DoesNotContain("S3RVER", Store.Location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_put_the_server_fails_once_is_retried_and_one_failing_every_time_leaves_no_object()
    {
        var bytes = RandomNumberGenerator.GetBytes(2048);
        server.FailPuts = 1;
        await Store.PutAsync("r/once.bin", new MemoryStream(bytes));
        Assert.NotNull(await Store.OpenReadAsync("r/once.bin"));

        server.FailPuts = int.MaxValue;
        await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync("r/never.bin", new MemoryStream(bytes)));
        server.FailPuts = 0;
        Assert.Null(await Store.OpenReadAsync("r/never.bin"));
    }
}

/// <summary>
/// Sends the MinIO client's requests to s3rver, recording them, and corrects s3rver's XML namespace on the way back: s3rver
/// 3.7 answers listings in <c>http://doc.s3.amazonaws.com/2006-03-01/</c> instead of S3's <c>http://s3.amazonaws.com/doc/2006-03-01/</c>,
/// which the AWS SDK ignores and the MinIO client does not (it then lists nothing). MinIO and S3 themselves send the right one.
/// </summary>
internal sealed class S3rverForMinio() : DelegatingHandler(new HttpClientHandler())
{
    private const string WrongNamespace = "xmlns=\"http://doc.s3.amazonaws.com/2006-03-01/\"";
    private const string S3Namespace = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    public ConcurrentQueue<(HttpMethod Method, string Query)> Requests { get; } = new();

    /// <summary>How many of the next object PUTs answer 503 without reaching the server.</summary>
    public int FailPuts { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Enqueue((request.Method, request.RequestUri?.Query ?? string.Empty));
        if (request.Method == HttpMethod.Put && FailPuts > 0)
        {
            FailPuts--;
            return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("<Error><Code>SlowDown</Code><Message>test</Message></Error>", Encoding.UTF8, "application/xml"),
            };
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType is "application/xml")
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Contains(WrongNamespace, StringComparison.Ordinal))
            {
                var content = new StringContent(text.Replace(WrongNamespace, S3Namespace, StringComparison.Ordinal), Encoding.UTF8);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
                response.Content = content;
            }
        }

        return response;
    }
}
