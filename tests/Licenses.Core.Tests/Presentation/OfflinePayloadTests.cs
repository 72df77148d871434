using System.Text;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Licenses.StatusLists;
using ElectronicLicense.Seals.Verification;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QRCoder;

namespace ElectronicLicense.Licenses.Tests.Presentation;

[Properties(Arbitrary = new[] { typeof(OfflinePayloadArbitraries) })]
public sealed class OfflinePayloadTests : IDisposable
{
    private readonly PresentationTestKeys keys = new();

    private (string Text, TrustList TrustList)? signed;

    public void Dispose() => keys.Dispose();

    [Property]
    public void Parse_returns_what_was_signed_for_any_fields(OfflinePayloadFields fields)
    {
        var payload = keys.Sign(fields);
        Assert.True(OfflinePayload.TryParse(payload.Text, out var parsed));
        Assert.Equal(payload.Fields, parsed.Fields);
        Assert.Equal(payload.Text, parsed.Text);
        Assert.StartsWith(OfflinePayload.Prefix, payload.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fresh_payload_verifies_with_the_trust_list()
    {
        var payload = keys.Sign();
        var report = OfflinePayloadVerifier.Verify(payload.Text, keys.TrustList(), null, keys.Clock.Now, keys.Presentation.TrustListKeyId);

        Assert.All(report.Checks.Where(c => c.Name != OfflinePayloadVerifier.Checks.Status), c => Assert.Equal(OfflineCheckResult.Passed, c.Result));
        // Without a status list only the status as of issue is known.
        Assert.Equal(Indication.Indeterminate, report.Verdict);
        Assert.Equal(OfflineCheckResult.NotChecked, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.Status).Result);
    }

    // The payload is signed per test instance, so the position is drawn over all ints and taken modulo its length.
    [Property(MaxTest = 500)]
    public Property Any_changed_character_makes_verification_fail(PayloadCharacterChange change)
    {
        // One signed payload for all the cases of a run, as before.
        var (text, trustList) = signed ??= (keys.Sign().Text, keys.TrustList());
        var position = change.Position % text.Length;

        return Prop.When(text[position] != change.Replacement, () =>
        {
            var changed = string.Concat(text.AsSpan(0, position), change.Replacement.ToString(), text.AsSpan(position + 1));
            var report = OfflinePayloadVerifier.Verify(changed, trustList, null, keys.Clock.Now);
            Assert.Equal(Indication.TotalFailed, report.Verdict);
        });
    }

    [Fact]
    public void A_payload_with_long_identifiers_stays_under_1KB_and_fits_a_QR_code_at_level_Q()
    {
        var payload = keys.Sign(PresentationTestKeys.SampleFields(keys.Clock.Now) with
        {
            LicenseId = new string('9', 64),
            TypeCode = new string('X', 40),
            StatusListId = uint.MaxValue,
            StatusIndex = uint.MaxValue,
        });

        Assert.InRange(Encoding.UTF8.GetByteCount(payload.Text), 1, OfflinePayload.MaxTextLength);
        Assert.All(payload.Text, c => Assert.Contains(c, Base45.Alphabet + "ELIC1:"));
        using var qr = QRCodeGenerator.GenerateQrCode(payload.Text, QRCodeGenerator.ECCLevel.Q);
        // Version 40 at level Q holds 2,420 alphanumeric characters; a license QR should stay small enough to scan from paper.
        Assert.InRange(qr.ModuleMatrix.Count, 21, 4 * 20 + 21);
    }

    [Fact]
    public void OpenSSL_verifies_the_payload_signature_over_the_documented_body()
    {
        var payload = keys.Sign();
        var key = keys.TrustList().FindPayloadKey(payload.Fields.KeyId)!;
        var folder = Directory.CreateTempSubdirectory("elic-openssl-payload-");
        try
        {
            var pem = Path.Combine(folder.FullName, "key.pem");
            File.WriteAllText(pem, "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(key.SubjectPublicKeyInfo, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PUBLIC KEY-----\n");
            var body = Path.Combine(folder.FullName, "body.bin");
            File.WriteAllBytes(body, OfflinePayload.EncodeBody(payload.Fields));
            var signature = Path.Combine(folder.FullName, "sig.der");
            File.WriteAllBytes(signature, payload.Signature.ToArray());

            var (exit, output) = PresentationTestKeys.OpenSsl("dgst", "-sha256", "-verify", pem, "-signature", signature, body);
            Assert.True(exit == 0, output);
            Assert.Contains("Verified OK", output, StringComparison.Ordinal);

            var bytes = File.ReadAllBytes(body);
            bytes[^1] ^= 1;
            File.WriteAllBytes(body, bytes);
            (exit, output) = PresentationTestKeys.OpenSsl("dgst", "-sha256", "-verify", pem, "-signature", signature, body);
            Assert.NotEqual(0, exit);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_SM2_payload_verifies_offline_and_with_OpenSSL()
    {
        using var sm2 = new PresentationTestKeys("Sm2");
        var payload = sm2.Sign();
        Assert.Equal(PayloadAlgorithm.Sm2Sm3, payload.Fields.Algorithm);
        var report = OfflinePayloadVerifier.Verify(payload.Text, sm2.TrustList(), null, sm2.Clock.Now);
        Assert.Equal(OfflineCheckResult.Passed, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.Signature).Result);

        var key = sm2.TrustList().FindPayloadKey(payload.Fields.KeyId)!;
        var folder = Directory.CreateTempSubdirectory("elic-openssl-sm2-");
        try
        {
            var pem = Path.Combine(folder.FullName, "key.pem");
            File.WriteAllText(pem, "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(key.SubjectPublicKeyInfo, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PUBLIC KEY-----\n");
            var body = Path.Combine(folder.FullName, "body.bin");
            File.WriteAllBytes(body, payload.SignedBytes.ToArray());
            var signature = Path.Combine(folder.FullName, "sig.der");
            File.WriteAllBytes(signature, payload.Signature.ToArray());
            var (exit, output) = PresentationTestKeys.OpenSsl("dgst", "-sm3", "-verify", pem, "-sigopt", "distid:1234567812345678", "-signature", signature, body);
            Assert.True(exit == 0, output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_expired_payload_fails()
    {
        var payload = keys.Sign();
        var report = OfflinePayloadVerifier.Verify(payload.Text, keys.TrustList(), null, payload.Fields.ExpiresAt.AddSeconds(1));
        Assert.Equal(Indication.TotalFailed, report.Verdict);
        Assert.Equal(OfflineCheckResult.Failed, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.PayloadNotExpired).Result);
    }
}

/// <summary>A position in a payload (modulo its length) and a character to put there: Base45, lowercase, '~' or CJK.</summary>
public readonly record struct PayloadCharacterChange(int Position, char Replacement);

internal static class OfflinePayloadArbitraries
{
    public static Arbitrary<OfflinePayloadFields> OfflinePayloadFields()
    {
        var text = Gen.Elements("证照", "ABC", "1.2.156", "营业执照-x", "é").ArrayOf().Select(parts => string.Concat(parts));
        return (from id in text
                from type in text
                from start in Gen.Choose(700_000, 800_000)
                from length in Gen.Choose(0, 20_000)
                from status in Gen.Elements(Enum.GetValues<StatusListValue>())
                from list in Gen.Choose(1, int.MaxValue)
                from index in Gen.Choose(0, 131_071)
                from seconds in Gen.Choose(0, int.MaxValue)
                from content in Gen.Choose(0, 255).ArrayOf(32)
                select PresentationTestKeys.SampleFields(PresentationTestKeys.DefaultNow) with
                {
                    LicenseId = id.Length > 80 ? id[..80] : id,
                    TypeCode = type.Length > 40 ? type[..40] : type,
                    ValidFrom = DateOnly.FromDayNumber(start),
                    ValidUntil = length == 0 ? null : DateOnly.FromDayNumber(start + length),
                    Status = status,
                    StatusListId = (uint)list,
                    StatusIndex = (uint)index,
                    IssuedAt = DateTimeOffset.FromUnixTimeSeconds(seconds),
                    ContentSha256 = Convert.ToHexStringLower(content.Select(b => (byte)b).ToArray()),
                }).ToArbitrary();
    }

    public static Arbitrary<PayloadCharacterChange> PayloadCharacterChange() =>
        (from position in Gen.Choose(0, int.MaxValue)
         from replacement in Gen.Elements((Base45.Alphabet + "a~中").ToCharArray())
         select new PayloadCharacterChange(position, replacement)).ToArbitrary();
}
