using ElectronicLicense.Seals.Fonts;
using ElectronicLicense.Seals.Ofd;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;
using ElectronicLicense.Seals.Tests.Support;
using ElectronicLicense.Seals.Verification;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ElectronicLicense.Seals.Tests.Ofd;

/// <summary>Three departments seal one OFD in turn; the result is verified by the registry's rules.</summary>
internal sealed class SealingParty
{
    public required SigningKey Signer { get; init; }
    public required SesSeal Seal { get; init; }
}

internal static class OfdSigningFixture
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset SigningTime = new(2025, 6, 1, 9, 30, 0, TimeSpan.FromHours(8));

    private static readonly Lazy<(CertificateAuthority Ca, SigningKey Maker, SealingParty[] Parties)> Shared = new(() =>
    {
        var ca = CertificateAuthority.CreateRoot("电子证照测试根CA", "电子证照测试", SignatureAlgorithm.Sm2WithSm3, Start, Start.AddYears(20));
        var maker = ca.IssueSealMaker("电子印章制章", "电子证照测试", SignatureAlgorithm.Sm2WithSm3, Start, Start.AddYears(10));
        var picture = SealPicture.RenderOfficialSeal("测试单位", "电子证照专用章", FontConfig.WenKaiPath, 42, 72);
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
                return new SealingParty { Signer = signer, Seal = seal };
            })
            .ToArray();
        return (ca, maker, parties);
    });

    public static CertificateAuthority Ca => Shared.Value.Ca;

    /// <summary>The ID of the first page of <see cref="UnsignedDocument"/> (the builder numbers all objects).</summary>
    public static string PageId { get; private set; } = "1";

    public static IReadOnlyList<SealingParty> Parties => Shared.Value.Parties;

    public static OfdVerificationOptions TrustingOptions(Func<string, SealRevocation?>? revocations = null) => new()
    {
        Signers = new CertificateValidator([Ca.Certificate]),
        SealMakers = new CertificateValidator([Ca.Certificate]),
        SealRevocations = revocations,
        Clock = new FixedClock(SigningTime.AddDays(1)),
    };

    public static byte[] UnsignedDocument(string text = "电子证照 测试文档")
    {
        var builder = new OfdDocumentBuilder(new OfdDocumentInfo { DocId = "0123456789abcdef0123456789abcdef", CreationDate = new DateOnly(2025, 6, 1) }, 210, 297);
        var font = builder.AddFont(TrueTypeFont.Parse(FontConfig.WenKai.Subset(text.EnumerateRunes().Select(r => r.Value).Distinct())));
        var page = builder.AddPage();
        page.AddText(font, 5, 20, 30, text);
        var built = builder.Build();
        PageId = built.Pages[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return built.Package.ToBytes();
    }

    public static byte[] Seal(byte[] ofd, int parties, bool protectWholeAtEnd)
    {
        for (var i = 0; i < parties; i++)
        {
            Assert.True(OfdPackage.TryOpen(ofd, OfdReadLimits.Default, out var package, out var error), error);
            var party = Parties[i];
            ofd = OfdSigner.Sign(package, new OfdSealRequest(party.Signer, party.Seal, [new StampPlacement(PageId, 150 - (45 * i), 230, 42, 42)],
                SigningTime.AddMinutes(i), protectWholeAtEnd && i == parties - 1));
        }

        return ofd;
    }

    internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

[Properties(Arbitrary = new[] { typeof(OfdSigningArbitraries) })]
public class OfdSigningTests
{
    private static readonly string Interop = Path.Combine(AppContext.BaseDirectory, "Interop");

    internal static readonly Lazy<byte[]> ThreeSeals = new(() => OfdSigningFixture.Seal(OfdSigningFixture.UnsignedDocument(), 3, protectWholeAtEnd: true));

    [Fact]
    public void Three_departments_seal_in_turn_and_every_signature_verifies()
    {
        var report = OfdVerifier.Verify(ThreeSeals.Value, OfdSigningFixture.TrustingOptions(_ => null));

        Assert.Equal(Indication.TotalPassed, report.Indication);
        Assert.Equal(3, report.Signatures.Count);
        Assert.All(report.Signatures, s => Assert.Equal(Indication.TotalPassed, s.Indication));
        Assert.Equal(["/Doc_0/Signs/Sign_0/Signature.xml", "/Doc_0/Signs/Sign_1/Signature.xml", "/Doc_0/Signs/Sign_2/Signature.xml"],
            report.Signatures.Select(s => s.Id));
        Assert.Equal(OfdSigningFixture.Parties.Select(p => p.Seal.EsId), report.Signatures.Select(s => s.Seal!.EsId));
        Assert.Contains("重庆市公安局", report.Signatures[1].Signer, StringComparison.Ordinal);
        Assert.Contains("sealed whole", report.Signatures[2].Coverage, StringComparison.Ordinal);
        Assert.Contains(report.Signatures[2].Checks, c => c.Id == "reference:/Doc_0/Signs/Sign_0/SignedValue.dat" && c.Outcome == CheckOutcome.Passed);
        Assert.All(report.Signatures.SelectMany(s => s.Checks), c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
    }

    [Fact]
    public void Earlier_signatures_stay_valid_after_each_later_one()
    {
        var ofd = OfdSigningFixture.UnsignedDocument();
        for (var parties = 1; parties <= 3; parties++)
        {
            var report = OfdVerifier.Verify(OfdSigningFixture.Seal(ofd, parties, protectWholeAtEnd: false), OfdSigningFixture.TrustingOptions());
            Assert.Equal(parties, report.Signatures.Count);
            Assert.Equal(Indication.TotalPassed, report.Indication);
        }
    }

    [Fact]
    public void A_document_sealed_whole_refuses_further_signatures()
    {
        Assert.True(OfdPackage.TryOpen(ThreeSeals.Value, OfdReadLimits.Default, out var package, out _));
        var party = OfdSigningFixture.Parties[0];

        var error = Assert.Throws<OfdSigningException>(() => OfdSigner.Sign(package,
            new OfdSealRequest(party.Signer, party.Seal, [new StampPlacement(OfdSigningFixture.PageId, 10, 10, 42, 42)], OfdSigningFixture.SigningTime.AddHours(1))));

        Assert.Contains("sealed whole", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_interop_document_sealed_whole_by_another_implementation_refuses_further_signatures()
    {
        Assert.True(OfdPackage.TryOpen(File.ReadAllBytes(Path.Combine(Interop, "allprotected.ofd")), OfdReadLimits.Default, out var package, out _));
        var party = OfdSigningFixture.Parties[0];

        Assert.Throws<OfdSigningException>(() => OfdSigner.Sign(package,
            new OfdSealRequest(party.Signer, party.Seal, [new StampPlacement(OfdSigningFixture.PageId, 10, 10, 42, 42)], OfdSigningFixture.SigningTime)));
    }

    [Fact]
    public void A_signer_the_seal_does_not_list_is_refused()
    {
        Assert.True(OfdPackage.TryOpen(OfdSigningFixture.UnsignedDocument(), OfdReadLimits.Default, out var package, out _));
        var (first, second) = (OfdSigningFixture.Parties[0], OfdSigningFixture.Parties[1]);

        var error = Assert.Throws<OfdSigningException>(() => OfdSigner.Sign(package,
            new OfdSealRequest(second.Signer, first.Seal, [new StampPlacement(OfdSigningFixture.PageId, 10, 10, 42, 42)], OfdSigningFixture.SigningTime)));

        Assert.Contains("does not list the signer", error.Message, StringComparison.Ordinal);
        Assert.Throws<OfdSigningException>(() => OfdSigner.Sign(package,
            new OfdSealRequest(first.Signer, first.Seal, [new StampPlacement(OfdSigningFixture.PageId, 10, 10, 42, 42)], OfdSigningFixture.Start.AddYears(6))));
        Assert.Throws<OfdSigningException>(() => OfdSigner.Sign(package,
            new OfdSealRequest(first.Signer, first.Seal, [new StampPlacement("7", 10, 10, 42, 42)], OfdSigningFixture.SigningTime)));
    }

    [Property(MaxTest = 150)]
    public bool Any_byte_changed_inside_any_file_fails_verification(ChangedEntryByte change)
    {
        var signed = ThreeSeals.Value;
        Assert.True(OfdPackage.TryOpen(signed, OfdReadLimits.Default, out var package, out _));

        var bytes = package.GetEntry(change.File).ToArray();
        bytes[change.Index] ^= (byte)change.Xor;
        var report = OfdVerifier.Verify(package.WithEntry(change.File, bytes).ToBytes(), OfdSigningFixture.TrustingOptions());
        return report.Indication == Indication.TotalFailed;
    }

    [Property(MaxTest = 150)]
    public bool A_flipped_byte_in_the_file_itself_never_passes_and_never_throws(FlippedFileByte flip)
    {
        var signed = ThreeSeals.Value;
        var copy = (byte[])signed.Clone();
        copy[flip.Index] ^= (byte)flip.Xor;
        var report = OfdVerifier.Verify(copy, OfdSigningFixture.TrustingOptions());

        // A byte in ZIP bookkeeping that no reader uses (a timestamp, "version made by") changes nothing signed.
        return report.Indication == Indication.TotalFailed || SameContent(signed, copy);
    }

    [Fact]
    public void A_file_added_after_signing_is_reported()
    {
        Assert.True(OfdPackage.TryOpen(ThreeSeals.Value, OfdReadLimits.Default, out var package, out _));

        var report = OfdVerifier.Verify(package.WithEntry("Doc_0/Res/extra.png", new byte[] { 1, 2, 3 }).ToBytes(), OfdSigningFixture.TrustingOptions());

        var uncovered = Assert.Single(report.DocumentChecks, c => c.Id == "uncovered-files");
        Assert.Equal(CheckOutcome.Warning, uncovered.Outcome);
        Assert.Contains("/Doc_0/Res/extra.png", uncovered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seal_revoked_before_signing_fails_and_after_signing_warns()
    {
        var before = OfdVerifier.Verify(ThreeSeals.Value, OfdSigningFixture.TrustingOptions(id =>
            id == OfdSigningFixture.Parties[1].Seal.EsId ? new SealRevocation(OfdSigningFixture.Start, "印章遗失") : null));
        var after = OfdVerifier.Verify(ThreeSeals.Value, OfdSigningFixture.TrustingOptions(id =>
            id == OfdSigningFixture.Parties[1].Seal.EsId ? new SealRevocation(OfdSigningFixture.SigningTime.AddDays(1), "机构撤并") : null));

        Assert.Equal((Indication.TotalFailed, SubIndication.Revoked), (before.Indication, before.SubIndication));
        Assert.Equal(Indication.TotalFailed, before.Signatures[1].Indication);
        Assert.Equal(Indication.TotalPassed, before.Signatures[0].Indication);
        Assert.Equal(Indication.TotalPassed, after.Indication);
        Assert.Contains(after.Signatures[1].Checks, c => c.Id == "seal-revocation" && c.Outcome == CheckOutcome.Warning);
    }

    [Fact]
    public void Without_trust_anchors_our_documents_are_intact_but_indeterminate()
    {
        var report = OfdVerifier.Verify(ThreeSeals.Value);

        Assert.Equal((Indication.Indeterminate, SubIndication.NoCertificateChainFound), (report.Indication, report.SubIndication));
        Assert.DoesNotContain(report.Signatures.SelectMany(s => s.Checks), c => c.Outcome == CheckOutcome.Failed);
    }

    [Theory]
    [InlineData("SESV4SignDoc.ofd")]
    [InlineData("allprotected.ofd")]
    public void Interop_seal_signatures_are_intact_and_indeterminate_only_for_trust(string file)
    {
        var report = OfdVerifier.Verify(File.ReadAllBytes(Path.Combine(Interop, file)));

        // ofdrw's test seals and certificates are expired and from an unknown CA: that, and only that, is left open.
        Assert.Equal(Indication.Indeterminate, report.Indication);
        Assert.Contains(report.SubIndication, new[] { SubIndication.NoCertificateChainFound, SubIndication.OutOfBoundsNoPoe });
        var signature = Assert.Single(report.Signatures);
        Assert.All(signature.Checks.Where(c => c.Outcome == CheckOutcome.Indeterminate),
            c => Assert.Contains(c.Id, new[] { "seal-validity", "signer-certificate", "seal-maker-certificate" }));
        Assert.DoesNotContain(signature.Checks, c => c.Outcome == CheckOutcome.Failed);
        Assert.All(signature.Checks.Where(c => c.Id is "data-hash" or "signature-value" or "seal-signature" or "seal-file" or "seal-lists-signer"
            || c.Id.StartsWith("reference:", StringComparison.Ordinal)), c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
        Assert.Equal(4, signature.Seal!.Version);
    }

    [Fact]
    public void Interop_digital_signature_verifies_with_the_supplied_certificate()
    {
        var ofd = File.ReadAllBytes(Path.Combine(Interop, "DigitalSign.ofd"));
        var certificate = SigningKey.FromPkcs12(File.ReadAllBytes(Path.Combine(Interop, "USER.p12")), "777777").Certificate;

        var withCertificate = OfdVerifier.Verify(ofd, new OfdVerificationOptions { KnownSignerCertificates = [certificate] });
        var without = OfdVerifier.Verify(ofd);

        Assert.Equal((Indication.Indeterminate, SubIndication.NoCertificateChainFound), (withCertificate.Indication, withCertificate.SubIndication));
        Assert.Contains(withCertificate.Signatures[0].Checks, c => c.Id == "signature-value" && c.Outcome == CheckOutcome.Passed);
        Assert.Equal((Indication.Indeterminate, SubIndication.NoSigningCertificateFound), (without.Indication, without.SubIndication));
    }

    [Theory]
    [InlineData("SESV4SignDoc.ofd")]
    [InlineData("allprotected.ofd")]
    public void Interop_documents_with_one_changed_byte_in_a_signed_file_fail(string file)
    {
        Assert.True(OfdPackage.TryOpen(File.ReadAllBytes(Path.Combine(Interop, file)), OfdReadLimits.Default, out var package, out _));
        foreach (var name in package.Names)
        {
            var bytes = package.GetEntry(name).ToArray();
            bytes[bytes.Length / 2] ^= 0x01;
            var report = OfdVerifier.Verify(package.WithEntry(name, bytes).ToBytes());
            Assert.True(report.Indication == Indication.TotalFailed, $"{name}: {report.Indication}");
        }
    }

    [Fact]
    public void Garbage_is_a_format_failure_not_an_exception()
    {
        var report = OfdVerifier.Verify(new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3 });

        Assert.Equal((Indication.TotalFailed, SubIndication.FormatFailure), (report.Indication, report.SubIndication));
    }

    private static bool SameContent(byte[] a, byte[] b) =>
        OfdPackage.TryOpen(a, OfdReadLimits.Default, out var x, out _) && OfdPackage.TryOpen(b, OfdReadLimits.Default, out var y, out _)
        && x.Names.SequenceEqual(y.Names) && x.Names.All(n => x.GetEntry(n).Span.SequenceEqual(y.GetEntry(n).Span));
}

/// <summary>A byte inside one file of the three-seal package and a non-zero XOR for it.</summary>
public sealed record ChangedEntryByte(string File, int Index, int Xor);

/// <summary>A byte of the three-seal package file itself and a non-zero XOR for it.</summary>
public sealed record FlippedFileByte(int Index, int Xor);

internal static class OfdSigningArbitraries
{
    public static Arbitrary<ChangedEntryByte> ChangedEntryByte()
    {
        Assert.True(OfdPackage.TryOpen(OfdSigningTests.ThreeSeals.Value, OfdReadLimits.Default, out var package, out _));
        var files = package.Names.ToArray();
        return Gen.Elements(files).SelectMany(f => Gen.Choose(0, package.GetEntry(f).Length - 1).Select(i => (File: f, Index: i)))
            .Zip(Gen.Choose(1, 255))
            .Select(c => new ChangedEntryByte(c.Item1.File, c.Item1.Index, c.Item2))
            .ToArbitrary();
    }

    public static Arbitrary<FlippedFileByte> FlippedFileByte() =>
        Gen.Choose(0, OfdSigningTests.ThreeSeals.Value.Length - 1).Zip(Gen.Choose(1, 255))
            .Select(f => new FlippedFileByte(f.Item1, f.Item2))
            .ToArbitrary();
}
