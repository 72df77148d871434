using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Tests.Pki;
using ElectronicLicense.Seals.Verification;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace ElectronicLicense.Seals.Tests.Pdf;

/// <summary>Unsigned PDFs made by PDFsharp (and converted by qpdf), signers, and the poppler/qpdf command lines.</summary>
internal static class PdfTestFiles
{
    public const string FontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

    public static readonly DateTimeOffset SigningTime = new(2025, 6, 1, 9, 30, 0, TimeSpan.FromHours(8));

    private static readonly Lazy<bool> Setup = new(() =>
    {
        GlobalFontSettings.FontResolver = new WenKaiResolver();
        return true;
    });

    private static readonly Lazy<byte[]> LazyClassic = new(() => MakePdf(pages: 2));
    private static readonly Lazy<byte[]> LazyObjectStreams = new(() => Qpdf(LazyClassic.Value, "--object-streams=generate"));

    private static readonly Lazy<SigningKey> LazySecondP256 = new(() => TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256).Ca
        .IssueDepartmentSigner("重庆市公安局", "11500000MB1503021X", SignatureAlgorithm.EcdsaP256WithSha256, TestPki.Start, TestPki.Start.AddYears(2)));

    /// <summary>A two-page PDF with Chinese text, classic xref table.</summary>
    public static byte[] Classic => LazyClassic.Value;

    /// <summary>The same document rewritten by qpdf with object streams and an xref stream.</summary>
    public static byte[] ObjectStreams => LazyObjectStreams.Value;

    public static SigningKey P256 => TestPki.For(SignatureAlgorithm.EcdsaP256WithSha256).Department;

    public static SigningKey Rsa => TestPki.For(SignatureAlgorithm.RsaWithSha256).Department;

    public static SigningKey Sm2 => TestPki.For(SignatureAlgorithm.Sm2WithSm3).Department;

    public static SigningKey SecondP256 => LazySecondP256.Value;

    public static PdfVerificationOptions Trusting => new()
    {
        Signers = new CertificateValidator([.. Enum.GetValues<SignatureAlgorithm>().Select(a => TestPki.For(a).Ca.Certificate)]),
        Clock = new FixedClock(SigningTime.AddDays(1)),
    };

    public static PdfVerificationOptions Untrusting => new() { Clock = new FixedClock(SigningTime.AddDays(1)) };

    public static byte[] MakePdf(int pages)
    {
        _ = Setup.Value;
        using var document = new PdfDocument();
        document.Info.Title = "电子证照测试";
        for (var i = 0; i < pages; i++)
        {
            var page = document.AddPage();
            using var graphics = XGraphics.FromPdfPage(page);
            graphics.DrawString($"营业执照 第{i + 1}页 License page {i + 1}", new XFont("WenKai", 20), XBrushes.Black, new XPoint(60, 100));
            graphics.DrawRectangle(XPens.DarkBlue, 50, 60, 480, 60);
        }

        using var stream = new MemoryStream();
        document.Save(stream);
        return stream.ToArray();
    }

    public static PdfSignatureRequest Request(SigningKey key, string field, bool certify = false, PdfSealAppearance? appearance = null) => new()
    {
        Key = key,
        FieldName = field,
        SigningTime = SigningTime,
        Reason = certify ? "颁发" : "联合签章",
        Location = "重庆",
        SignerName = key.Certificate.GetNameInfo(X509NameType.SimpleName, false),
        Certify = certify,
        Appearance = appearance,
    };

    /// <summary>Three signatures (P-256 certifying, RSA, P-256), each an incremental update.</summary>
    public static byte[] SignThree(byte[] pdf)
    {
        var one = PdfSigner.Sign(pdf, Request(P256, "颁发单位", certify: true));
        var two = PdfSigner.Sign(one, Request(Rsa, "联合单位"));
        return PdfSigner.Sign(two, Request(SecondP256, "公安"));
    }

    public static byte[] Qpdf(byte[] pdf, params string[] arguments)
    {
        using var directory = new TempDirectory();
        var input = directory.Write("in.pdf", pdf);
        var output = Path.Combine(directory.Path, "out.pdf");
        var (code, text) = Run("qpdf", [.. arguments, input, output]);
        Assert.True(code is 0 or 3, $"qpdf failed ({code}): {text}");
        return File.ReadAllBytes(output);
    }

    /// <summary>Runs pdfsig (without certificate validation: our test CAs are not in an NSS database).</summary>
    public static string PdfSig(byte[] pdf)
    {
        using var directory = new TempDirectory();
        return Run("pdfsig", ["-nocert", directory.Write("signed.pdf", pdf)]).Output;
    }

    public static (int Code, string Output) QpdfCheck(byte[] pdf)
    {
        using var directory = new TempDirectory();
        return Run("qpdf", ["--check", directory.Write("check.pdf", pdf)]);
    }

    public static (int Code, string Output) Run(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"{tool} did not finish in 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The key as a platform certificate with its private key, for PDFsharp's own signer.</summary>
    public static X509Certificate2 WithPrivateKey(SigningKey key)
    {
        var pkcs8 = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(key.PrivateKey).GetDerEncoded();
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        using var withKey = key.Certificate.CopyWithPrivateKey(rsa);
        // Re-import so the key is usable on every platform (ephemeral keys cannot always sign on Windows).
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12, "x"), "x");
    }

    public static string Describe(DocumentReport report) =>
        $"{report.Indication.ToEtsi()} {report.SubIndication.ToEtsi()}\n"
        + string.Join("\n", report.DocumentChecks.Select(c => $"  doc {c.Id}: {c.Outcome} {c.Message}"))
        + "\n" + string.Join("\n", report.Signatures.Select(s => $"  [{s.Index}] {s.Id} {s.Indication.ToEtsi()} {s.SubIndication.ToEtsi()} ({s.Coverage})\n"
            + string.Join("\n", s.Checks.Select(c => $"      {c.Id}: {c.Outcome} {c.Message}"))));

    private sealed class WenKaiResolver : IFontResolver
    {
        private static readonly byte[] Font = File.ReadAllBytes(FontPath);

        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new("WenKai");

        public byte[] GetFont(string faceName) => Font;
    }

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    internal sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("pdfsign-").FullName;

        public string Write(string name, byte[] bytes)
        {
            var path = System.IO.Path.Combine(Path, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
