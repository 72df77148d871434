using ElectronicLicense.Licenses.Storage;

namespace ElectronicLicense.Cli.Archives;

/// <summary>Where <c>elic archive</c> writes or reads bags: a folder, or <c>s3://bucket/prefix</c> on an S3-compatible server.</summary>
internal static class ArchiveLocation
{
    public static bool IsS3(string location) => location.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens the bucket and prefix of <paramref name="location"/>; credentials come from the environment, never the command line.</summary>
    /// <exception cref="CliException">The address or endpoint is malformed, or only one of the two credential variables is set.</exception>
    public static IBlobStore OpenS3(CliContext context, string location, string? endpoint)
    {
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new CliException($"--s3-endpoint must be an absolute http:// or https:// address, got '{endpoint}'.");
        }

        S3BucketOptions options;
        try
        {
            options = new S3BucketOptions
            {
                ServiceUrl = endpoint,
                AccessKey = context.GetEnvironmentVariable(BlobStores.AccessKeyVariable),
                SecretKey = context.GetEnvironmentVariable(BlobStores.SecretKeyVariable),
            }.ForLocation(location);
        }
        catch (ArgumentException e)
        {
            throw new CliException(e.Message, e);
        }

        if (string.IsNullOrWhiteSpace(options.AccessKey) != string.IsNullOrWhiteSpace(options.SecretKey))
        {
            throw new CliException($"S3 credentials need both {BlobStores.AccessKeyVariable} and {BlobStores.SecretKeyVariable}; only one is set.");
        }

        try
        {
            return BlobStores.CreateS3(options);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new CliException($"cannot use {location}: {e.Message}", e);
        }
    }
}
