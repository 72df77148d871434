using System.CommandLine;
using ElectronicLicense.Cli.Certificates;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Cli.Verification;

/// <summary><c>elic verify</c>: verifies every signature of a signed OFD or PDF and gives the ETSI verdict as the exit code.</summary>
internal static class VerifyCommand
{
    /// <summary>The command's name, also used by <see cref="CliApp"/> to pick its exit codes.</summary>
    public const string Name = "verify";

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The signed document (.ofd or .pdf; the format is told by its bytes, not its name)" };
        var json = new Option<bool>("--json") { Description = "Write the verification report as JSON" };
        var trust = new Option<string>("--trust")
        {
            Description = "Folder of trusted CA certificates (*.pem, *.crt, *.cer, *.der) for signers and seal makers; without it no chain is trusted",
            HelpName = "dir",
        };
        var signerCerts = new Option<string[]>("--signer-cert")
        {
            Description = "A certificate (PEM or DER) to try for Type=\"Sign\" signatures that carry none; may be repeated",
            HelpName = "file",
        };

        var verify = new Command(Name, "Verify the signatures and e-seals of a document; exit 0 TOTAL-PASSED, 1 TOTAL-FAILED, 2 INDETERMINATE, 64 usage")
        {
            file, json, trust, signerCerts,
        };
        verify.SetAction(parsed => Verify(
            context,
            parsed.GetValue(file)!,
            parsed.GetValue(json),
            parsed.GetValue(trust),
            parsed.GetValue(signerCerts) ?? []));
        return verify;
    }

    private static int Verify(CliContext context, string path, bool json, string? trustFolder, string[] signerCertFiles)
    {
        // Options first: a bad trust folder is a usage error even when the document would not need it.
        var anchors = trustFolder is null ? null : CertificateFiles.LoadFolder(trustFolder);
        var knownSigners = signerCertFiles.SelectMany(CertificateFiles.LoadFile).ToList();
        var bytes = ReadDocument(path);

        DocumentReport report;
        switch (DocumentFormats.Detect(bytes))
        {
            case DocumentFormat.Ofd:
                report = OfdVerifier.Verify(bytes, new OfdVerificationOptions
                {
                    Signers = anchors is null ? null : new CertificateValidator(anchors),
                    SealMakers = anchors is null ? null : new CertificateValidator(anchors),
                    KnownSignerCertificates = knownSigners,
                    Clock = context.Clock,
                });
                break;
            case DocumentFormat.Pdf:
                // PDF signatures carry their signer's certificate in the CMS, and no e-seal: only the signer anchors apply.
                report = PdfVerifier.Verify(bytes, new PdfVerificationOptions
                {
                    Signers = anchors is null ? null : new CertificateValidator(anchors),
                    Clock = context.Clock,
                });
                break;
            default:
                throw new CliException($"'{path}' is neither an OFD (a ZIP package) nor a PDF file.");
        }

        if (json)
        {
            VerifyJson.Write(context.Output, report);
        }
        else
        {
            VerifyRenderer.Write(context, path, bytes.Length, report);
        }

        return report.Indication switch
        {
            Indication.TotalPassed => ExitCodes.Success,
            Indication.TotalFailed => ExitCodes.Failed,
            _ => ExitCodes.Indeterminate,
        };
    }

    private static byte[] ReadDocument(string path)
    {
        try
        {
            var length = new FileInfo(path).Length;
            var limit = OfdReadLimits.Default.MaxPackageBytes;
            if (length > limit)
            {
                throw new CliException($"'{path}' is {length:N0} bytes; documents over {limit:N0} bytes are not verified.");
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException($"cannot read '{path}': {e.Message}", e);
        }
    }
}

/// <summary>The document formats <c>elic verify</c> tells apart.</summary>
internal enum DocumentFormat
{
    Unknown,
    Ofd,
    Pdf,
}

/// <summary>Tells a document's format by its first bytes, never by its name.</summary>
internal static class DocumentFormats
{
    public static DocumentFormat Detect(ReadOnlySpan<byte> bytes) =>
        // GB/T 33190: an OFD is a ZIP package, which starts with a local file header.
        bytes.StartsWith("PK\x03\x04"u8) ? DocumentFormat.Ofd
        // ISO 32000-1 §7.5.2: the header "%PDF-" (readers allow it within the first 1024 bytes; signed PDFs we make start with it).
        : bytes.StartsWith("%PDF-"u8) ? DocumentFormat.Pdf
        : DocumentFormat.Unknown;
}
