using System.Text;
using System.Text.Json.Nodes;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Seals.Verification;

namespace ElectronicLicense.Licenses.Tests.Presentation;

public sealed class TrustListTests : IDisposable
{
    private readonly PresentationTestKeys keys = new();

    public void Dispose() => keys.Dispose();

    [Fact]
    public void The_trust_list_is_signed_by_its_own_key_and_lists_the_active_payload_key()
    {
        var list = keys.TrustList();

        Assert.True(list.VerifySignature(keys.Presentation.TrustListKeyId));
        Assert.Equal(keys.Presentation.TrustListKeyId, list.SignerKeyId);
        var payloadKey = Assert.Single(list.Keys, k => k.Use == PresentationKeyUse.Payload);
        Assert.Equal(PresentationKeyStatus.Active, payloadKey.Status);
        Assert.Equal(PresentationKey.KeyIdOf(payloadKey.SubjectPublicKeyInfo), payloadKey.KeyId);
        Assert.Equal(11, payloadKey.KeyId.Length); // 8 bytes, base64url without padding
    }

    [Fact]
    public void A_trust_list_pinned_to_another_key_or_with_a_changed_payload_fails()
    {
        var document = keys.Presentation.TrustListDocument();
        Assert.True(TrustList.TryParse(document.ToJsonString(), out var list));
        Assert.False(list.VerifySignature("AAAAAAAAAAA"));

        // Mark the payload key revoked inside the signed content, keeping the signature: it must no longer verify.
        Assert.True(SignedEnvelope.TryBase64Url((string)document["payload"]!, out var content));
        var changed = Encoding.UTF8.GetString(content).Replace("\"status\":\"active\"", "\"status\":\"revoked\"", StringComparison.Ordinal);
        document["payload"] = OfflinePayload.Base64Url(Encoding.UTF8.GetBytes(changed));
        Assert.True(TrustList.TryParse(document.ToJsonString(), out var tampered));
        Assert.Contains(tampered.Keys, k => k.Status == PresentationKeyStatus.Revoked);
        Assert.False(tampered.VerifySignature());
    }

    [Fact]
    public void OpenSSL_verifies_the_trust_list_signature_over_the_payload_member()
    {
        var document = keys.Presentation.TrustListDocument();
        var list = keys.TrustList();
        var signer = list.Keys.Single(k => k.KeyId == list.SignerKeyId);
        var folder = Directory.CreateTempSubdirectory("elic-openssl-trust-");
        try
        {
            var pem = Path.Combine(folder.FullName, "key.pem");
            File.WriteAllText(pem, "-----BEGIN PUBLIC KEY-----\n" + Convert.ToBase64String(signer.SubjectPublicKeyInfo, Base64FormattingOptions.InsertLineBreaks) + "\n-----END PUBLIC KEY-----\n");
            var payload = Path.Combine(folder.FullName, "payload.txt");
            File.WriteAllText(payload, (string)document["payload"]!, Encoding.ASCII);
            Assert.True(SignedEnvelope.TryBase64Url((string)document["signature"]!, out var signature));
            var signatureFile = Path.Combine(folder.FullName, "sig.der");
            File.WriteAllBytes(signatureFile, signature);

            var (exit, output) = PresentationTestKeys.OpenSsl("dgst", "-sha256", "-verify", pem, "-signature", signatureFile, payload);
            Assert.True(exit == 0, output);
            Assert.Contains("Verified OK", output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void After_rotation_an_older_payload_still_verifies_and_the_old_key_cannot_sign_new_ones()
    {
        var (oldKey, oldSigner) = keys.Keys.Active;
        var older = keys.Sign();

        keys.Clock.Now = keys.Clock.Now.AddDays(30);
        var fresh = keys.Presentation.RotatePayloadKey();
        Assert.NotEqual(oldKey.KeyId, fresh.KeyId);
        var list = keys.TrustList();
        Assert.True(list.VerifySignature(keys.Presentation.TrustListKeyId));
        Assert.Equal(PresentationKeyStatus.Retired, list.FindPayloadKey(oldKey.KeyId)!.Status);
        Assert.Equal(PresentationKeyStatus.Active, list.FindPayloadKey(fresh.KeyId)!.Status);

        var report = OfflinePayloadVerifier.Verify(older.Text, list, null, keys.Clock.Now);
        Assert.DoesNotContain(report.Checks, c => c.Result == OfflineCheckResult.Failed);

        // New payloads carry the new key.
        Assert.Equal(fresh.KeyId, keys.Sign().Fields.KeyId);

        // A payload the retired key signs after its retirement is outside its period.
        var late = OfflinePayload.Create(PresentationTestKeys.SampleFields(keys.Clock.Now.AddMinutes(1)) with { KeyId = oldKey.KeyId, Algorithm = oldKey.Algorithm }, b => oldSigner.Sign(b));
        var lateReport = OfflinePayloadVerifier.Verify(late.Text, list, null, keys.Clock.Now.AddMinutes(2));
        Assert.Equal(Indication.TotalFailed, lateReport.Verdict);
        Assert.Equal(OfflineCheckResult.Failed, lateReport.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.KeyValidAtIssue).Result);
        Assert.Equal(OfflineCheckResult.Passed, lateReport.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.Signature).Result);
    }

    [Fact]
    public void A_key_past_its_signing_period_is_rotated_before_it_signs()
    {
        var first = keys.Keys.Active.Public;

        keys.Clock.Now = first.NotAfter.AddHours(1);
        var payload = keys.Sign();

        Assert.NotEqual(first.KeyId, payload.Fields.KeyId);
        var report = OfflinePayloadVerifier.Verify(payload.Text, keys.TrustList(), null, keys.Clock.Now);
        Assert.Equal(OfflineCheckResult.Passed, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.KeyValidAtIssue).Result);
        Assert.Equal(PresentationKeyStatus.Retired, keys.TrustList().FindPayloadKey(first.KeyId)!.Status);
    }

    [Fact]
    public void A_payload_signed_by_a_key_outside_the_trust_list_fails()
    {
        using var other = new PresentationTestKeys();
        var foreign = other.Sign();

        var report = OfflinePayloadVerifier.Verify(foreign.Text, keys.TrustList(), null, keys.Clock.Now);

        Assert.Equal(Indication.TotalFailed, report.Verdict);
        Assert.Equal(OfflineCheckResult.Failed, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.KeyKnown).Result);
    }

    [Fact]
    public void A_payload_signed_before_its_key_was_valid_fails()
    {
        var (key, signer) = keys.Keys.Active;
        var early = OfflinePayload.Create(PresentationTestKeys.SampleFields(key.NotBefore.AddDays(-1)) with { KeyId = key.KeyId, Algorithm = key.Algorithm }, b => signer.Sign(b));

        var report = OfflinePayloadVerifier.Verify(early.Text, keys.TrustList(), null, keys.Clock.Now);

        Assert.Equal(OfflineCheckResult.Failed, report.Checks.Single(c => c.Name == OfflinePayloadVerifier.Checks.KeyValidAtIssue).Result);
    }

    [Fact]
    public void Keys_survive_a_restart_with_the_same_ids()
    {
        var before = keys.TrustList().Keys.Select(k => k.KeyId).ToList();
        var again = new PresentationKeys(
            new Sealing.RegistryKeys(
                Microsoft.Extensions.Options.Options.Create(new Sealing.SealingOptions { KeyPassword = "test-only-password" }),
                Microsoft.Extensions.Options.Options.Create(new ElectronicLicense.Licenses.Persistence.StorageOptions { DataDirectory = keys.Folder }),
                keys.Clock),
            Microsoft.Extensions.Options.Options.Create(new PresentationOptions()),
            keys.Clock);
        Assert.Equal(before, again.Published.Select(k => k.KeyId).ToList());
        Assert.IsType<JsonObject>(keys.Presentation.TrustListDocument());
    }
}
