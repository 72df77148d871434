using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;
using ElectronicLicense.Licenses.Ingest;
using ElectronicLicense.Licenses.Issuance;
using ElectronicLicense.Licenses.Tests.Ingest;
using ElectronicLicense.Licenses.Tests.Samples;
using ElectronicLicense.Seals.Ofd;
using Microsoft.Extensions.Options;
using Newtonsoft.Json.Linq;

namespace ElectronicLicense.Licenses.Tests.Issuance;

public class LicenseOfdRendererTests
{
    private static readonly XNamespace Ofd = OfdNames.Namespace;
    private static readonly LicenseOfdRenderer Renderer = new(Options.Create(new IssuanceOptions()));
    private static readonly Lazy<Dictionary<string, string>> DepartmentNames = new(() =>
        JArray.Parse(File.ReadAllText(RepositoryFiles.Sample("departments.json"))).ToDictionary(d => (string)d["code"]!, d => (string)d["name"]!));

    public static TheoryData<string> SampleFiles() =>
        new(Directory.GetFiles(RepositoryFiles.Sample("licenses"), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Every_display_field_of_every_sample_is_printed(string file)
    {
        var (request, type) = Request(file);
        var page = Page(Renderer.Render(request));
        var printed = string.Concat(page.Descendants(Ofd + "TextCode").Select(t => t.Value));

        Assert.Contains(type.Name, printed, StringComparison.Ordinal);
        Assert.Contains(request.LicenseId.Value, printed, StringComparison.Ordinal);
        var face = request.Data.GetProperty(MetadataNames.Face);
        foreach (var name in type.DisplayOrder)
        {
            var source = MetadataNames.Displayable.Contains(name) ? request.Data : face;
            if (source.TryGetProperty(name, out var value))
            {
                // The validity dates share one row labelled 有效期; 证照名称 is the title.
                if (name is not (MetadataNames.Name or MetadataNames.ValidFrom or MetadataNames.ValidUntil))
                {
                    Assert.Contains(name + "：", printed, StringComparison.Ordinal);
                }

                Assert.All(LicenseOfdRenderer.Paragraphs(value), text => Assert.Contains(text, printed, StringComparison.Ordinal));
            }
        }

        foreach (var name in new[] { MetadataNames.Issuer, MetadataNames.IssueDate, MetadataNames.ValidFrom, MetadataNames.ValidUntil, MetadataNames.Number })
        {
            Assert.Contains(request.Data.GetProperty(name).GetString()!, printed, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Seal_slots_follow_the_policy_and_cover_no_text_nor_the_QR_code(string file)
    {
        var (request, type) = Request(file);
        var rendered = Renderer.Render(request);
        var page = Page(rendered);

        Assert.Equal(type.Signatures.Count, rendered.SealSlots.Count);
        Assert.Equal(type.Signatures, rendered.SealSlots.Select(s => s.Requirement));
        var pageId = (int)rendered.Package.LoadXml("Doc_0/Document.xml").Root!.Descendants(Ofd + "Page").Single().Attribute("ID")!;
        var texts = page.Descendants(Ofd + "TextObject").Select(t => Box(t)).ToList();
        foreach (var slot in rendered.SealSlots)
        {
            Assert.Equal(pageId, slot.PageId);
            Assert.Equal(42, slot.Boundary.Width);
            Assert.Equal(42, slot.Boundary.Height);
            Assert.True(slot.Boundary.X >= 12.5 && slot.Boundary.Right <= 197.5 && slot.Boundary.Y >= 12.5 && slot.Boundary.Bottom <= 284.5, $"slot {slot.Boundary} leaves the frame");
            Assert.DoesNotContain(texts, text => text.Overlaps(slot.Boundary));
            Assert.False(slot.Boundary.Overlaps(rendered.QrCodeBoundary));
            Assert.DoesNotContain(rendered.SealSlots, other => other != slot && other.Boundary.Overlaps(slot.Boundary));
        }
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Text_stays_on_the_page_without_overlapping_other_text(string file)
    {
        var page = Page(Renderer.Render(Request(file).Request));
        var texts = page.Descendants(Ofd + "TextObject").Select(t => Box(t)).ToList();

        Assert.All(texts, t => Assert.True(t.X >= 20 && t.Right <= 190.5 && t.Y >= 20 && t.Bottom <= 280, $"text at {t} leaves the margins"));
        for (var i = 0; i < texts.Count; i++)
        {
            for (var j = i + 1; j < texts.Count; j++)
            {
                // Boundaries span ascent + descent; neighbouring lines may touch, not overlap by more than a hair.
                var a = texts[i];
                var b = texts[j];
                Assert.False(a.Overlaps(b) && Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Y, b.Y) > 0.2, $"{a} overlaps {b}");
            }
        }
    }

    [Fact]
    public void The_QR_code_is_a_vector_path_at_the_reported_place()
    {
        var rendered = Renderer.Render(Request("business-license-1.json").Request);

        var qr = Page(rendered).Descendants(Ofd + "PathObject").Single(p => Box(p) == rendered.QrCodeBoundary);
        Assert.Equal("true", (string?)qr.Attribute("Fill"));
        var data = qr.Element(Ofd + "AbbreviatedData")!.Value;
        Assert.True(data.Split('M').Length > 100, "a QR code of version ≥ 2 has well over a hundred runs");
        var coordinates = data.Split(' ').Where(p => p.Length > 1 || char.IsDigit(p[0])).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToList();
        Assert.InRange(coordinates.Min(), 0, 32);
        Assert.InRange(coordinates.Max(), 0, 32);
    }

    [Fact]
    public void The_embedded_font_is_a_small_subset_that_fontconfig_reads_with_every_character_used()
    {
        var rendered = Renderer.Render(Request("real-estate-title-certificate-1.json").Request);
        var used = new SortedSet<int>(Page(rendered).Descendants(Ofd + "TextCode").SelectMany(t => t.Value.EnumerateRunes()).Select(r => r.Value));

        var font = rendered.Package.Entries.Single(e => e.Key.EndsWith(".ttf", StringComparison.Ordinal)).Value.ToArray();

        Assert.InRange(font.Length, 1, 200 * 1024);
        var charset = FcScanCharset(font);
        Assert.Empty(used.Where(c => c != ' ').Except(charset));
        Assert.Empty(charset.Except(used));
    }

    [Fact]
    public void Same_version_renders_to_the_same_bytes_and_DocInfo_carries_the_metadata()
    {
        var (request, _) = Request("marriage-certificate-1.json");

        var first = Renderer.Render(request).Package.ToBytes();
        var second = Renderer.Render(request).Package.ToBytes();

        Assert.Equal(first, second);
        Assert.True(OfdPackage.TryOpen(first, OfdReadLimits.Default, out var package, out var error), error);
        var info = package.LoadXml("OFD.xml").Root!.Descendants(Ofd + "DocInfo").Single();
        Assert.Equal(LicenseOfdRenderer.DocumentId(request.LicenseId.Value), info.Element(Ofd + "DocID")!.Value);
        Assert.Equal("2025-05-20", info.Element(Ofd + "CreationDate")!.Value);
        var custom = info.Descendants(Ofd + "CustomData").ToDictionary(c => (string)c.Attribute("Name")!, c => c.Value);
        Assert.Equal(request.LicenseId.Value, custom[MetadataNames.LicenseId]);
        Assert.Equal(request.Type.Code.Value, custom[MetadataNames.TypeCode]);
        Assert.Equal(request.Data.GetProperty(MetadataNames.Holder).GetString(), custom[MetadataNames.Holder]);
        Assert.Equal(request.Data.GetProperty(MetadataNames.IssuerCode).GetString(), custom[MetadataNames.IssuerCode]);
        Assert.Equal("1", custom["版本"]);
    }

    [Fact]
    public void Another_version_gets_another_DocID()
    {
        var (request, _) = Request("marriage-certificate-1.json");

        Assert.NotEqual(LicenseOfdRenderer.DocumentId(request.LicenseId.Value), LicenseOfdRenderer.DocumentId(request.LicenseId.WithVersion(2).Value));
        Assert.Matches("^[0-9a-f]{12}8[0-9a-f]{3}[89ab][0-9a-f]{15}$", LicenseOfdRenderer.DocumentId(request.LicenseId.Value));
    }

    [Fact]
    public void Long_values_wrap_inside_the_value_column()
    {
        var rendered = Renderer.Render(Request("business-license-1.json").Request);
        var scope = Page(rendered).Descendants(Ofd + "TextCode").Count(t => t.Value.Contains("餐饮", StringComparison.Ordinal));

        Assert.True(scope >= 2, "经营范围 should take several lines");
    }

    [Fact]
    public void Arrays_and_objects_are_formatted_readably()
    {
        using var json = JsonDocument.Parse("""{"a":["甲","乙",3],"b":{"姓名":"张三","年龄":30},"c":[{"x":"1"},{"x":"2"}],"d":"一\n二","e":null}""");
        var root = json.RootElement;

        Assert.Equal(["甲、乙、3"], LicenseOfdRenderer.Paragraphs(root.GetProperty("a")));
        Assert.Equal(["姓名：张三；年龄：30"], LicenseOfdRenderer.Paragraphs(root.GetProperty("b")));
        Assert.Equal(["x：1", "x：2"], LicenseOfdRenderer.Paragraphs(root.GetProperty("c")));
        Assert.Equal(["一", "二"], LicenseOfdRenderer.Paragraphs(root.GetProperty("d")));
        Assert.Empty(LicenseOfdRenderer.Paragraphs(root.GetProperty("e")));
    }

    [Fact]
    public void A_missing_font_names_the_fix()
    {
        var renderer = new LicenseOfdRenderer(Options.Create(new IssuanceOptions { FontPath = "/nonexistent/font.ttf" }));

        var error = Assert.Throws<FileNotFoundException>(() => renderer.Render(Request("business-license-1.json").Request));

        Assert.Contains("fonts-lxgw-wenkai", error.Message, StringComparison.Ordinal);
        Assert.Contains("Issuance:FontPath", error.Message, StringComparison.Ordinal);
    }

    internal static (LicenseRenderRequest Request, LicenseType Type) Request(string file)
    {
        var submission = Submissions.Parse(Submissions.Sample(file));
        var issuer = UnifiedSocialCreditCode.Parse((string)Submissions.Sample(file)[MetadataNames.IssuerCode]!);
        submission.IssuerCode = issuer;
        var data = LicenseData.Build(submission, DepartmentNames.Value[issuer.Value]);
        var serial = submission.IssueDate.Year.ToString(CultureInfo.InvariantCulture) + "000123";
        var request = new LicenseRenderRequest
        {
            Type = submission.Type,
            LicenseId = LicenseId.Create(submission.Type.Code, issuer, serial, 1),
            Data = JsonDocument.Parse(LicenseData.Serialize(data)).RootElement.Clone(),
            IssuedAt = new DateTimeOffset(submission.IssueDate.ToDateTime(new TimeOnly(9, 30)), TimeSpan.FromHours(8)),
            VerificationPayload = "https://zwfw.cq.gov.cn/elic/verify?id=" + LicenseId.Create(submission.Type.Code, issuer, serial, 1).Value,
        };
        return (request, submission.Type);
    }

    private static XElement Page(RenderedLicense rendered) => rendered.Package.LoadXml("Doc_0/Pages/Page_0/Content.xml").Root!;

    private static OfdBox Box(XElement element)
    {
        Assert.True(OfdBox.TryParse((string?)element.Attribute("Boundary"), out var box));
        return box;
    }

    private static SortedSet<int> FcScanCharset(byte[] font)
    {
        var path = Path.Combine(Path.GetTempPath(), $"elic-font-{Guid.NewGuid():N}.ttf");
        File.WriteAllBytes(path, font);
        try
        {
            var start = new ProcessStartInfo("fc-scan") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("--format");
            start.ArgumentList.Add("%{charset}\n");
            start.ArgumentList.Add(path);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(30_000));
            Assert.Equal(0, process.ExitCode);
            var set = new SortedSet<int>();
            foreach (var part in output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                var bounds = part.Split('-').Select(b => int.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
                for (var c = bounds[0]; c <= bounds[^1]; c++)
                {
                    set.Add(c);
                }
            }

            return set;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
