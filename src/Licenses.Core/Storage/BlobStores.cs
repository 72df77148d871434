using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Minio;

namespace ElectronicLicense.Licenses.Storage;

/// <summary>Creates the <see cref="IBlobStore"/> that <see cref="BlobStoreOptions"/> describe.</summary>
public static class BlobStores
{
    /// <summary>Environment variable read for the S3 access key when none is configured.</summary>
    public const string AccessKeyVariable = "ELIC_S3_ACCESS_KEY";

    /// <summary>Environment variable read for the S3 secret key when none is configured.</summary>
    public const string SecretKeyVariable = "ELIC_S3_SECRET_KEY";

    /// <summary>Creates the store; a folder store uses <see cref="BlobStoreOptions.Path"/> or else <paramref name="defaultFolder"/>.</summary>
    /// <remarks>Dispose the result when it is <see cref="IDisposable"/> (the S3 store owns its client).</remarks>
    /// <exception cref="InvalidOperationException">The options are incomplete or name an unknown kind.</exception>
    public static IBlobStore Create(BlobStoreOptions options, string defaultFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (options.Kind ?? "folder").Trim().ToLowerInvariant() switch
        {
            "folder" or "" => new LocalFolderBlobStore(string.IsNullOrWhiteSpace(options.Path) ? defaultFolder : options.Path),
            "s3" => CreateS3(options.S3 ?? new S3BucketOptions()),
            "minio" => CreateMinio(options.S3 ?? new S3BucketOptions()),
            _ => throw new InvalidOperationException($"Blob store Kind must be folder, minio or s3, got '{options.Kind}'."),
        };
    }

    /// <summary>Creates a store for a bucket.</summary>
    /// <exception cref="InvalidOperationException">No bucket is named, or only one of access key and secret key is known.</exception>
    public static IBlobStore CreateS3(S3BucketOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw new InvalidOperationException("S3:Bucket is required when the blob store Kind is s3.");
        }

        return new S3BlobStore(CreateClient(options), options.Bucket, options.Prefix);
    }

    /// <summary>Creates a store for a MinIO bucket (the official MinIO client; multipart uploads for large packages).</summary>
    /// <exception cref="InvalidOperationException">No bucket or endpoint is named, or the credentials are incomplete.</exception>
    public static IBlobStore CreateMinio(S3BucketOptions options) => CreateMinio(options, http: null);

    /// <summary>As <see cref="CreateMinio(S3BucketOptions)"/>, sending through <paramref name="http"/> when given (tests adapt a server's answers).</summary>
    internal static IBlobStore CreateMinio(S3BucketOptions options, HttpClient? http)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            throw new InvalidOperationException("S3:Bucket is required when the blob store Kind is minio.");
        }

        if (!Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"S3:ServiceUrl must be the MinIO endpoint (http:// or https://host:port) when the blob store Kind is minio, got '{options.ServiceUrl}'.");
        }

        var accessKey = NonEmpty(options.AccessKey) ?? NonEmpty(Environment.GetEnvironmentVariable(AccessKeyVariable));
        var secretKey = NonEmpty(options.SecretKey) ?? NonEmpty(Environment.GetEnvironmentVariable(SecretKeyVariable));
        if (accessKey is null || secretKey is null)
        {
            throw new InvalidOperationException(
                $"MinIO credentials need an access key and a secret key (S3:AccessKey/S3:SecretKey or {AccessKeyVariable}/{SecretKeyVariable}).");
        }

        var client = new MinioClient()
            .WithEndpoint(endpoint.Host, endpoint.Port)
            .WithSSL(endpoint.Scheme == "https")
            .WithRegion(options.Region)
            .WithCredentials(accessKey, secretKey)
            .WithTimeout((int)TimeSpan.FromMinutes(5).TotalMilliseconds);
        if (http is not null)
        {
            client = client.WithHttpClient(http, disposeHttpClient: true);
        }

        return new MinioBlobStore(client.Build(), options.Bucket, options.Prefix);
    }

    /// <summary>A client for <paramref name="options"/>: path style, no chunked uploads needed, SDK retries off (the store retries).</summary>
    internal static AmazonS3Client CreateClient(S3BucketOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromMinutes(5),
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        var accessKey = NonEmpty(options.AccessKey) ?? NonEmpty(Environment.GetEnvironmentVariable(AccessKeyVariable));
        var secretKey = NonEmpty(options.SecretKey) ?? NonEmpty(Environment.GetEnvironmentVariable(SecretKeyVariable));
        return (accessKey, secretKey) switch
        {
            (null, null) => new AmazonS3Client(config), // the SDK's chain: AWS_* variables, profiles, instance roles
            ({ } a, { } s) => new AmazonS3Client(new BasicAWSCredentials(a, s), config),
            _ => throw new InvalidOperationException(
                $"S3 credentials need both an access key and a secret key (S3:AccessKey/S3:SecretKey or {AccessKeyVariable}/{SecretKeyVariable}); only one is set."),
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
