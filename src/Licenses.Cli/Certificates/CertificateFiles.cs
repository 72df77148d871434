using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Cli.Certificates;

/// <summary>Reads X.509 certificates given on the command line: PEM (one or more blocks) or DER files, and folders of them.</summary>
internal static class CertificateFiles
{
    /// <summary>The file names read from a trust folder; anything else in it is ignored.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".pem", ".crt", ".cer", ".der"];

    /// <summary>Far above any certificate or small bundle; stops a mistaken path to a huge file early.</summary>
    private const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Every certificate in the <see cref="Extensions"/> files directly inside <paramref name="directory"/>.</summary>
    /// <exception cref="CliException">The folder cannot be read, holds no certificate file, or a file is not a certificate.</exception>
    public static IReadOnlyList<X509Certificate2> LoadFolder(string directory)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(directory)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"cannot read the trust folder '{directory}': {e.Message}", e);
        }

        if (files.Length == 0)
        {
            throw new CliException($"the trust folder '{directory}' holds no certificate file ({string.Join(", ", Extensions.Select(e => "*" + e))}).");
        }

        return files.SelectMany(LoadFile).ToList();
    }

    /// <summary>The certificates of one PEM or DER file.</summary>
    /// <exception cref="CliException">The file cannot be read or holds no readable certificate.</exception>
    public static IReadOnlyList<X509Certificate2> LoadFile(string path)
    {
        byte[] bytes;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                throw new CliException($"'{path}' is larger than {MaxFileBytes / (1024 * 1024)} MiB; it is not a certificate file.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"cannot read the certificate file '{path}': {e.Message}", e);
        }

        var certificates = LooksLikePem(bytes) ? FromPem(path, Encoding.UTF8.GetString(bytes)) : [FromDer(path, bytes)];
        if (certificates.Count == 0)
        {
            throw new CliException($"'{path}' holds no PEM CERTIFICATE block.");
        }

        foreach (var certificate in certificates)
        {
            EnsureUsableAsAnchor(path, certificate);
        }

        return certificates;
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> bytes) => bytes.IndexOf("-----BEGIN "u8) >= 0;

    private static List<X509Certificate2> FromPem(string path, string text)
    {
        // Only CERTIFICATE blocks are read; other blocks (a private key someone put in the bundle) are skipped unread.
        var certificates = new List<X509Certificate2>();
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                var der = new byte[fields.DecodedDataLength];
                if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                {
                    throw new CliException($"'{path}' has a CERTIFICATE block that is not valid base64.");
                }

                certificates.Add(FromDer(path, der.AsSpan(0, written).ToArray()));
            }

            rest = rest[fields.Location.End..];
        }

        return certificates;
    }

    private static X509Certificate2 FromDer(string path, byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException)
        {
            throw new CliException($"'{path}' is not an X.509 certificate (PEM or DER).");
        }
    }

    private static void EnsureUsableAsAnchor(string path, X509Certificate2 certificate)
    {
        try
        {
            // The validator reads certificates with its own parser (SM2 keys included); fail here, naming the file, rather than later.
            _ = new CertificateValidator([certificate]);
        }
        catch (ArgumentException)
        {
            throw new CliException($"'{path}' holds a certificate that cannot be used ({certificate.Subject}).");
        }
    }
}
