namespace ElectronicLicense.Licenses.Storage;

/// <summary>Where an <see cref="IBlobStore"/> keeps its objects: a local folder or an S3-compatible bucket.</summary>
/// <remarks>
/// Bound from <c>Storage:Objects</c> (license documents; default folder <c>{DataDirectory}/objects</c>) and <c>Archives:Store</c>
/// (archive packages; default folder <c>{DataDirectory}/archives</c>).
/// </remarks>
public sealed class BlobStoreOptions
{
    /// <summary><c>folder</c> (default) or <c>s3</c>.</summary>
    public string Kind { get; set; } = "folder";

    /// <summary>The folder for <c>folder</c>; relative paths are relative to the working directory; null for the section's default.</summary>
    public string? Path { get; set; }

    /// <summary>The bucket for <c>s3</c>.</summary>
    public S3BucketOptions S3 { get; set; } = new();
}

/// <summary>An S3-compatible bucket (MinIO, AWS S3) and how to reach it.</summary>
public sealed class S3BucketOptions
{
    /// <summary>Endpoint such as <c>http://minio:9000</c>; null for AWS S3 in <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The bucket, which must exist.</summary>
    public string? Bucket { get; set; }

    /// <summary>Optional key prefix inside the bucket, e.g. <c>elic/archives</c>.</summary>
    public string? Prefix { get; set; }

    /// <summary>Signing region; MinIO accepts <c>us-east-1</c> (default).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key; when unset, the environment variable <c>ELIC_S3_ACCESS_KEY</c>, then the AWS SDK's default credential chain.</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret key; when unset, the environment variable <c>ELIC_S3_SECRET_KEY</c>. Never logged or shown.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>http://host/bucket/key</c>), which MinIO needs; default true.</summary>
    public bool ForcePathStyle { get; set; } = true;

    /// <summary>Returns a copy for the bucket and prefix of <paramref name="location"/> (<c>s3://bucket/prefix</c>), keeping endpoint and credentials.</summary>
    /// <exception cref="ArgumentException"><paramref name="location"/> is not an <c>s3://</c> address.</exception>
    public S3BucketOptions ForLocation(string location)
    {
        ArgumentNullException.ThrowIfNull(location);
        const string scheme = "s3://";
        if (!location.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || location.Length == scheme.Length)
        {
            throw new ArgumentException($"Expected s3://bucket or s3://bucket/prefix, got '{location}'.", nameof(location));
        }

        var rest = location[scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var copy = (S3BucketOptions)MemberwiseClone();
        copy.Bucket = slash < 0 ? rest : rest[..slash];
        copy.Prefix = slash < 0 ? null : rest[(slash + 1)..].Trim('/') is { Length: > 0 } p ? p : null;
        return copy;
    }
}
