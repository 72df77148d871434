using System.Text.Json;
using ElectronicLicense.Cli.Tests.Support;
using ElectronicLicense.Seals.Pki;
using ElectronicLicense.Seals.Ses;

namespace ElectronicLicense.Cli.Tests.Seals;

public sealed class SealCommandTests : IDisposable
{
    private const string Password = "Mk-7Qz!p9#xV";
    private const string PasswordVariable = "ELIC_TEST_MAKER_PASSWORD";

    private readonly TempDirectory temp = new();

    private static string Interop(string name) => Repository.Path("tests", "Seals.Tests", "Interop", name);

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("UserV4.esl", 4, "51f044b76510434e9bc67a1185c2fba5", "OFD R&W 测试用印章")]
    [InlineData("UserV1.esl", 1, "40C8CDD24DEF43388B86E62CCE1D6832", "OFDRW测试用印章")]
    public async Task Show_interop_seal_exits_0_with_its_content(string file, int version, string esId, string name)
    {
        var text = await Elic.RunAsync("seal", "show", Interop(file));
        var json = await Elic.RunAsync("seal", "show", Interop(file), "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(esId, text.Output, StringComparison.Ordinal);
        Assert.Contains(name, text.Output, StringComparison.Ordinal);
        Assert.Contains("PNG, 40 × 40 mm", text.Output, StringComparison.Ordinal);
        Assert.Contains("CN=Test Certificate", text.Output, StringComparison.Ordinal);
        Assert.Contains("✓ verifies", text.Output, StringComparison.Ordinal);

        Assert.True(json.ExitCode == 0, json.ToString());
        using var seal = JsonDocument.Parse(json.Output);
        var root = seal.RootElement;
        Assert.Equal(version, root.GetProperty("version").GetInt32());
        Assert.Equal(esId, root.GetProperty("esId").GetString());
        Assert.Equal(name, root.GetProperty("name").GetString());
        Assert.Equal(1, root.GetProperty("certListType").GetInt32());
        Assert.Contains("CN=Test Certificate", root.GetProperty("certificates")[0].GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Equal(40, root.GetProperty("picture").GetProperty("widthMm").GetInt32());
        Assert.Contains("CN=Test Certificate", root.GetProperty("maker").GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.True(root.GetProperty("makerSignatureValid").GetBoolean());
    }

    [Fact]
    public async Task Show_writes_the_picture()
    {
        var picture = temp.File("picture.png");

        var run = await Elic.RunAsync("seal", "show", Interop("UserV4.esl"), "--picture", picture);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(File.ReadAllBytes(Interop("StampImg.png")), File.ReadAllBytes(picture));
    }

    [Fact]
    public async Task Show_seal_with_a_changed_signature_byte_exits_1()
    {
        var bytes = File.ReadAllBytes(Interop("UserV4.esl"));
        bytes[^1] ^= 0x01; // inside signedValue, the last element of SESeal
        var path = temp.File("changed.esl");
        File.WriteAllBytes(path, bytes);

        var run = await Elic.RunAsync("seal", "show", path);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("✗ does not verify", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_truncated_or_missing_seal_exits_64()
    {
        var bytes = File.ReadAllBytes(Interop("UserV4.esl"));
        var path = temp.File("truncated.esl");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var truncated = await Elic.RunAsync("seal", "show", path);
        var missing = await Elic.RunAsync("seal", "show", temp.File("none.esl"));

        Assert.True(truncated.ExitCode == 64, truncated.ToString());
        Assert.Contains("not a readable e-seal", truncated.Error, StringComparison.Ordinal);
        Assert.Equal(64, missing.ExitCode);
    }

    [Fact]
    public async Task Make_then_show_round_trip_and_the_password_never_appears()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.Sm2WithSm3);
        var seal = temp.File("民政局.esl");

        var make = await Make(maker, signer, seal);
        var show = await Elic.RunAsync("seal", "show", seal, "--json");
        var text = await Elic.RunAsync("seal", "show", seal);

        Assert.True(make.ExitCode == 0, make.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.True(text.ExitCode == 0, text.ToString());
        using var json = JsonDocument.Parse(show.Output);
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("version").GetInt32());
        Assert.Equal("50010300000001", root.GetProperty("esId").GetString());
        Assert.Equal("重庆市民政局电子证照专用章", root.GetProperty("name").GetString());
        Assert.Equal(SealingFixture.Parties[2].Signer.Certificate.Subject, root.GetProperty("certificates")[0].GetProperty("subject").GetString());
        Assert.Equal(SealingFixture.Maker.Certificate.Subject, root.GetProperty("maker").GetProperty("subject").GetString());
        Assert.Equal("png", root.GetProperty("picture").GetProperty("type").GetString());
        Assert.Equal(42, root.GetProperty("picture").GetProperty("widthMm").GetInt32());
        Assert.True(root.GetProperty("makerSignatureValid").GetBoolean());
        var years = root.GetProperty("validEnd").GetDateTimeOffset() - root.GetProperty("validStart").GetDateTimeOffset();
        Assert.InRange(years.TotalDays, 365 * 5, (365 * 5) + 2);

        Assert.True(SesSeal.TryDecode(File.ReadAllBytes(seal), out var decoded, out var error), error);
        Assert.True(decoded.ListsSigner(SealingFixture.Parties[2].Signer.Certificate));

        foreach (var run in new[] { make, show, text })
        {
            Assert.DoesNotContain(Password, run.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Make_with_a_supplied_picture_uses_it()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.Sm2WithSm3);
        var seal = temp.File("picture.esl");
        var extracted = temp.File("extracted.png");

        var make = await Make(maker, signer, seal, "--picture", Interop("StampImg.png"), "--size-mm", "40");
        var show = await Elic.RunAsync("seal", "show", seal, "--picture", extracted);

        Assert.True(make.ExitCode == 0, make.ToString());
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Equal(File.ReadAllBytes(Interop("StampImg.png")), File.ReadAllBytes(extracted));
        Assert.Contains("40 × 40 mm", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_with_a_wrong_password_fails_64_without_echoing_any_password()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.Sm2WithSm3);
        const string Wrong = "not-the-password-42";

        var run = await Elic.RunWithEnvironmentAsync(
            new Dictionary<string, string> { [PasswordVariable] = Wrong },
            MakeArguments(maker, signer, temp.File("x.esl")));

        Assert.True(run.ExitCode == 64, run.ToString());
        Assert.Contains("wrong password", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Wrong, run.Error + run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Error + run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.File("x.esl")));
    }

    [Fact]
    public async Task Make_with_the_variable_unset_fails_64()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.Sm2WithSm3);

        var run = await Elic.RunWithEnvironmentAsync(new Dictionary<string, string>(), MakeArguments(maker, signer, temp.File("x.esl")));

        Assert.True(run.ExitCode == 64, run.ToString());
        Assert.Contains("--password-env is not set", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_refuses_a_password_on_the_command_line_without_echoing_it()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.Sm2WithSm3);

        var run = await Elic.RunWithEnvironmentAsync(
            new Dictionary<string, string> { [PasswordVariable] = Password },
            [.. MakeArguments(maker, signer, temp.File("x.esl")), "--password", Password]);

        Assert.True(run.ExitCode == 64, run.ToString());
        Assert.Contains("never taken on the command line", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_with_a_non_sm2_maker_fails_64()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.EcdsaP256WithSha256);

        var run = await Make(maker, signer, temp.File("x.esl"));

        Assert.True(run.ExitCode == 64, run.ToString());
        Assert.Contains("SM2", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Make_with_an_invalid_es_id_fails_64()
    {
        var (maker, signer) = WriteMakerAndSigner(SignatureAlgorithm.Sm2WithSm3);
        var arguments = MakeArguments(maker, signer, temp.File("x.esl"));
        arguments[Array.IndexOf(arguments, "--es-id") + 1] = "has spaces";

        var run = await Elic.RunWithEnvironmentAsync(new Dictionary<string, string> { [PasswordVariable] = Password }, arguments);

        Assert.True(run.ExitCode == 64, run.ToString());
        Assert.Contains("EsId", run.Error, StringComparison.Ordinal);
    }

    private (string Maker, string Signer) WriteMakerAndSigner(SignatureAlgorithm makerAlgorithm)
    {
        var key = makerAlgorithm == SignatureAlgorithm.Sm2WithSm3
            ? SealingFixture.Maker
            : SealingFixture.Ca.IssueSealMaker("非SM2制章", "电子证照测试", makerAlgorithm, SealingFixture.Start, SealingFixture.Start.AddYears(10));
        var maker = temp.File($"maker-{makerAlgorithm}.p12");
        File.WriteAllBytes(maker, key.ExportPkcs12(Password));
        var signer = temp.File("dept.pem");
        File.WriteAllText(signer, SealingFixture.Parties[2].Signer.Certificate.ExportCertificatePem());
        return (maker, signer);
    }

    private static string[] MakeArguments(string maker, string signer, string output) =>
    [
        "seal", "make",
        "--maker", maker,
        "--password-env", PasswordVariable,
        "--signer-cert", signer,
        "--name", "重庆市民政局电子证照专用章",
        "--es-id", "50010300000001",
        "--organisation", "重庆市民政局",
        "--kind", "电子证照专用章",
        "--font", SealingFixture.FontPath,
        "--out", output,
    ];

    private static Task<CliRun> Make(string maker, string signer, string output, params string[] extra) =>
        Elic.RunWithEnvironmentAsync(new Dictionary<string, string> { [PasswordVariable] = Password }, [.. MakeArguments(maker, signer, output), .. extra]);
}
