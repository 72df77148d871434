using System.Diagnostics;
using ElectronicLicense.Licenses.Persistence;
using ElectronicLicense.Licenses.Presentation;
using ElectronicLicense.Licenses.Sealing;
using ElectronicLicense.Licenses.StatusLists;
using Microsoft.Extensions.Options;

namespace ElectronicLicense.Licenses.Tests.Presentation;

/// <summary>A clock the test moves.</summary>
internal sealed class MovableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Presentation keys in a temporary key folder, without the rest of the registry.</summary>
internal sealed class PresentationTestKeys : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("elic-presentation-");

    public PresentationTestKeys(string algorithm = "EcdsaP256", DateTimeOffset? now = null)
    {
        Clock = new MovableClock(now ?? DefaultNow);
        var registryKeys = new RegistryKeys(
            Options.Create(new SealingOptions { KeyPassword = "test-only-password" }),
            Options.Create(new StorageOptions { DataDirectory = directory.FullName }),
            Clock);
        var options = Options.Create(new PresentationOptions { Algorithm = algorithm });
        Keys = new PresentationKeys(registryKeys, options, Clock);
        Presentation = new RegistryPresentation(Keys, null!, Clock, options);
    }

    /// <summary>Where the clock starts unless the test says otherwise.</summary>
    public static DateTimeOffset DefaultNow { get; } = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public MovableClock Clock { get; }

    public PresentationKeys Keys { get; }

    public RegistryPresentation Presentation { get; }

    public string Folder => directory.FullName;

    public TrustList TrustList()
    {
        Assert.True(Licenses.Presentation.TrustList.TryParse(Presentation.TrustListDocument().ToJsonString(), out var list));
        return list;
    }

    public OfflinePayload Sign(OfflinePayloadFields? fields = null)
    {
        var (key, signer) = Keys.Active;
        return OfflinePayload.Create((fields ?? SampleFields(Clock.Now)) with { KeyId = key.KeyId, Algorithm = key.Algorithm }, b => signer.Sign(b));
    }

    public static OfflinePayloadFields SampleFields(DateTimeOffset now) => new()
    {
        Algorithm = PayloadAlgorithm.EcdsaP256Sha256,
        KeyId = "AAAAAAAAAAA",
        LicenseId = "1.2.156.3005.2.11100000000013338W001.11500000MB1507014M.2026000001.001.K",
        ContentSha256 = new string('a', 64),
        TypeCode = "11100000000013338W001",
        IssuerCode = "11500000MB1507014M",
        ValidFrom = new DateOnly(2026, 1, 1),
        ValidUntil = new DateOnly(2030, 12, 31),
        Status = StatusListValue.Valid,
        IssuedAt = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()),
        ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(now.AddYears(2).ToUnixTimeSeconds()),
        StatusListId = 1,
        StatusIndex = 4711,
    };

    public void Dispose() => directory.Delete(recursive: true);

    public static (int ExitCode, string Output) OpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "openssl did not finish");
        return (process.ExitCode, output + error.GetAwaiter().GetResult());
    }
}
