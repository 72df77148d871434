using System.Globalization;
using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pdf;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;

namespace ElectronicLicense.Cli.Tests.Support;

/// <summary>A test CA, a seal maker and three departments with seals, and an OFD the three seal in turn — all made in-process.</summary>
/// <remarks>The approach of tests/Seals.Tests/Ofd/OfdSigningTests.cs; dates are relative to now so the chain stays valid.</remarks>
internal static class SealingFixture
{
    /// <summary>The system font the seal picture and the document text are drawn with (Debian fonts-lxgw-wenkai).</summary>
    public const string FontPath = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";

    public static readonly DateTimeOffset Start = WholeSeconds(DateTimeOffset.UtcNow.AddDays(-30));

    public static readonly DateTimeOffset SigningTime = Start.AddDays(29);

    private static readonly Lazy<(CertificateAuthority Ca, SigningKey Maker, (SigningKey Signer, SesSeal Seal)[] Parties)> Shared = new(() =>
    {
        var ca = CertificateAuthority.CreateRoot("电子证照CLI测试根CA", "电子证照测试", SignatureAlgorithm.Sm2WithSm3, Start, Start.AddYears(20));
        var maker = ca.IssueSealMaker("电子印章制章", "电子证照测试", SignatureAlgorithm.Sm2WithSm3, Start, Start.AddYears(10));
        var picture = SealPicture.RenderOfficialSeal("测试单位", "电子证照专用章", FontPath, 42, 72);
        var parties = new[] { ("重庆市卫生健康委员会", "11500000MB1507014M"), ("重庆市公安局", "11500000MB1501018N"), ("重庆市民政局", "11500000MB15020105") }
            .Select((d, i) =>
            {
                var signer = ca.IssueDepartmentSigner(d.Item1, d.Item2, SignatureAlgorithm.Sm2WithSm3, Start, Start.AddYears(3));
                var seal = SesSeal.Create(new SesSealDescription
                {
                    EsId = $"5000000000000{i + 1}",
                    Name = d.Item1 + "电子证照专用章",
                    SignerCertificates = [signer.Certificate],
                    CreateDate = Start,
                    ValidStart = Start,
                    ValidEnd = Start.AddYears(5),
                    PicturePng = picture,
                    PictureWidthMm = 42,
                    PictureHeightMm = 42,
                }, maker);
                return (signer, seal);
            })
            .ToArray();
        return (ca, maker, parties);
    });

    private static readonly Lazy<(byte[] Ofd, string ContentPath)> SignedDocument = new(() =>
    {
        const string Text = "电子证照 测试文档";
        var builder = new OfdDocumentBuilder(new OfdDocumentInfo { DocId = "0123456789abcdef0123456789abcdef", CreationDate = DateOnly.FromDateTime(Start.UtcDateTime) }, 210, 297);
        var font = builder.AddFont(TrueTypeFont.Parse(TrueTypeSubsetter.Subset(TrueTypeFont.Load(FontPath), Text.EnumerateRunes().Select(r => r.Value).Distinct())));
        builder.AddPage().AddText(font, 5, 20, 30, Text);
        var built = builder.Build();
        var pageId = built.Pages[0].Id.ToString(CultureInfo.InvariantCulture);
        var ofd = built.Package.ToBytes();
        for (var i = 0; i < Parties.Count; i++)
        {
            Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error), error);
            var (signer, seal) = Parties[i];
            ofd = OfdSigner.Sign(package, new OfdSealRequest(signer, seal, [new StampPlacement(pageId, 150 - (45 * i), 230, 42, 42)],
                SigningTime.AddMinutes(i), ProtectWholeDocument: i == Parties.Count - 1));
        }

        return (ofd, built.Pages[0].ContentPath);
    });

    public static CertificateAuthority Ca => Shared.Value.Ca;

    public static SigningKey Maker => Shared.Value.Maker;

    public static IReadOnlyList<(SigningKey Signer, SesSeal Seal)> Parties => Shared.Value.Parties;

    /// <summary>An OFD sealed by the three departments in turn, the last sealing it whole.</summary>
    public static byte[] ThreeSeals => SignedDocument.Value.Ofd;

    /// <summary>The package path of the document's first page content.</summary>
    public static string ContentPath => SignedDocument.Value.ContentPath;

    /// <summary>The signed document with one byte of the page content changed (a digit of the text position).</summary>
    public static byte[] ThreeSealsWithChangedContent()
    {
        Assert.True(OfdPackage.TryOpen(ThreeSeals, OfdReadLimits.Default, out var package, out var error), error);
        var content = package.GetEntry(ContentPath).ToArray();
        var index = Array.FindIndex(content, b => b is >= (byte)'1' and <= (byte)'8');
        Assert.True(index >= 0, "no digit in Content.xml");
        content[index]++;
        return package.WithEntry(ContentPath, content).ToBytes();
    }

    private static readonly Lazy<byte[]> SignedPdf = new(() =>
    {
        // As the registry signs its PDFs: ECDSA P-256 department keys under the (SM2) registry CA, the first certifying.
        var pdf = UnsignedPdf();
        for (var i = 0; i < Parties.Count; i++)
        {
            var department = Parties[i].Signer.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);
            var serial = System.Text.RegularExpressions.Regex.Match(Parties[i].Signer.Certificate.Subject, "SERIALNUMBER=([0-9A-Z]{18})").Groups[1].Value;
            var key = Ca.IssueDepartmentSigner(department, serial, SignatureAlgorithm.EcdsaP256WithSha256, Start, Start.AddYears(3));
            pdf = PdfSigner.Sign(pdf, new PdfSignatureRequest
            {
                Key = key,
                FieldName = $"seal{i + 1}-{serial}",
                SigningTime = SigningTime.AddMinutes(i),
                Reason = i == 0 ? "颁发" : "联合签章",
                Location = "重庆",
                SignerName = department,
                Certify = i == 0,
                Appearance = new PdfSealAppearance { PageIndex = 0, X = 400 - (130 * i), Y = 80, Width = 119, Height = 119, Png = Parties[i].Seal.PictureData },
            });
        }

        return pdf;
    });

    /// <summary>A PDF signed by the three departments in turn (ECDSA P-256, certificates from <see cref="Ca"/>), the last covering it whole.</summary>
    public static byte[] ThreeSignedPdf => SignedPdf.Value;

    /// <summary>The text drawn on the unsigned page; changing one of its letters changes bytes every signature covers.</summary>
    public const string PdfPageText = "Electronic license test page";

    /// <summary>A one-page A4 PDF with a classic cross-reference table, written by hand (ISO 32000-1 §7.5).</summary>
    private static byte[] UnsignedPdf()
    {
        var content = $"BT /F1 18 Tf 72 760 Td ({PdfPageText}) Tj ET";
        string[] objects =
        [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            $"<< /Length {content.Length} >>\nstream\n{content}\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Title (test) /Subject (test) >>",
        ];
        var text = new System.Text.StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(text.Length);
            text.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = text.Length;
        text.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Length + 1}\n0000000000 65535 f\r\n");
        foreach (var offset in offsets)
        {
            text.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return System.Text.Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Writes the CA certificate as PEM into <paramref name="folder"/>, the way an operator sets up <c>--trust</c>.</summary>
    public static void WriteTrustFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "registry-ca.pem"), Ca.Certificate.ExportCertificatePem());
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
