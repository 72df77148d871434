using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Tests.Pki;

public sealed class KeyStoreTests : IDisposable
{
    private const string Password = "correct horse 电池 staple";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "keystore-" + Guid.NewGuid().ToString("N"), "keys");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);

    private static SigningKey NewCaKey() => CertificateAuthority.CreateRoot("测试根CA", "测试", SignatureAlgorithm.Sm2WithSm3, TestPki.Start, TestPki.Start.AddYears(20)).Key;

    [Fact]
    public void Created_key_loads_back_as_the_same_key_from_a_new_store()
    {
        var created = new KeyStore(directory, Password).LoadOrCreate("registry-ca", NewCaKey);

        var store = new KeyStore(directory, Password);
        Assert.True(store.TryLoad("registry-ca", out var loaded));
        var again = store.LoadOrCreate("registry-ca", () => throw new InvalidOperationException("must not create twice"));

        Assert.Equal(created.Certificate.RawData, loaded.Certificate.RawData);
        Assert.Equal(created.Certificate.RawData, again.Certificate.RawData);
        Assert.True(SignatureVerifier.Verify(created.Certificate, Oids.Sm2WithSm3, "x"u8, loaded.Sign("x"u8)));
        Assert.False(store.TryLoad("seal-maker", out _));
    }

    [Fact]
    public void Department_key_keeps_its_ca_chain()
    {
        var store = new KeyStore(directory, Password);
        var ca = CertificateAuthority.FromSigningKey(store.LoadOrCreate("registry-ca", NewCaKey));
        store.LoadOrCreate($"dept-{TestPki.DepartmentCode}-sm2",
            () => ca.IssueDepartmentSigner("某局", TestPki.DepartmentCode, SignatureAlgorithm.Sm2WithSm3, TestPki.Start, TestPki.Start.AddYears(1)));

        Assert.True(store.TryLoad($"dept-{TestPki.DepartmentCode}-sm2", out var department));
        Assert.Equal(ca.Certificate.RawData, Assert.Single(department.Chain).GetEncoded());
    }

    [Fact]
    public void Wrong_password_error_reveals_neither_password_nor_directory()
    {
        new KeyStore(directory, Password).LoadOrCreate("registry-ca", NewCaKey);
        var store = new KeyStore(directory, "wrong-password-123");

        var error = Assert.Throws<CryptographicException>(() => store.TryLoad("registry-ca", out _));
        var again = Assert.Throws<CryptographicException>(() => store.LoadOrCreate("registry-ca", NewCaKey));

        foreach (var e in new[] { error, again })
        {
            Assert.Null(e.InnerException);
            Assert.Contains("registry-ca.p12", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(directory, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("wrong-password-123", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("电池", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("horse", e.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Key_files_are_private_to_the_owner_and_no_temporary_files_remain()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix file modes only; Windows relies on the folder's ACL.
        }

        var store = new KeyStore(directory, Password);
        store.LoadOrCreate("registry-ca", NewCaKey);
        store.Revoke("registry-ca", "1234ABCD", X509RevocationReason.Superseded, TestPki.Start);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "registry-ca.p12")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(["registry-ca.crl", "registry-ca.p12", "registry-ca.revoked.json"],
            Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Concurrent_load_or_create_makes_one_key()
    {
        var calls = 0;
        using var barrier = new Barrier(4);
        var keys = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            // Separate instances on one folder, as two services of one process would have.
            var store = new KeyStore(directory, Password);
            barrier.SignalAndWait();
            return store.LoadOrCreate("seal-maker", () =>
            {
                Interlocked.Increment(ref calls);
                return NewCaKey();
            });
        }, TaskCreationOptions.LongRunning)).ToArray();
        var results = await Task.WhenAll(keys);

        Assert.Equal(1, calls);
        Assert.Single(results.Select(k => Convert.ToHexString(k.Certificate.RawData)).Distinct());
    }

    [Fact]
    public void A_key_stored_by_another_writer_during_creation_wins()
    {
        var store = new KeyStore(directory, Password);
        SigningKey? theirs = null;

        // Stands in for another process: the file appears between our check and our rename.
        var ours = store.LoadOrCreate("registry-ca", () =>
        {
            theirs = new KeyStore(directory, Password).LoadOrCreate("registry-ca", NewCaKey);
            return NewCaKey();
        });

        Assert.Equal(theirs!.Certificate.RawData, ours.Certificate.RawData);
        Assert.Single(Directory.GetFiles(directory));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../registry-ca")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("registry-ca\n")]
    [InlineData("电子")]
    public void Unsafe_key_ids_are_refused(string id)
    {
        var store = new KeyStore(directory, Password);

        Assert.Throws<ArgumentException>(() => store.TryLoad(id, out _));
    }

    [Fact]
    public void Revocations_are_kept_and_published_in_a_signed_crl()
    {
        var clock = new ManualClock(TestPki.Start.AddDays(30));
        var store = new KeyStore(directory, Password, clock);
        var ca = CertificateAuthority.FromSigningKey(store.LoadOrCreate("registry-ca", NewCaKey));
        var department = ca.IssueDepartmentSigner("某局", TestPki.DepartmentCode, SignatureAlgorithm.Sm2WithSm3, TestPki.Start, TestPki.Start.AddYears(1));

        var first = store.Revoke("registry-ca", department.Certificate.SerialNumber, X509RevocationReason.KeyCompromise, TestPki.Start.AddDays(20));
        var second = store.Revoke("registry-ca", department.Certificate.SerialNumber, X509RevocationReason.Superseded, TestPki.Start.AddDays(25));
        var current = new KeyStore(directory, Password, clock).GetRevocationList("registry-ca");

        Assert.Equal(1, first.CrlNumber);
        Assert.Equal(2, second.CrlNumber);
        Assert.Equal(second.Export(), current.Export());
        var entry = Assert.Single(current.Entries);
        Assert.Equal(X509RevocationReason.KeyCompromise, entry.Reason);
        Assert.Equal(TestPki.Start.AddDays(20), entry.RevocationTime);
        Assert.Equal(clock.GetUtcNow().AddDays(7), current.NextUpdate);
        var validator = new CertificateValidator([ca.Certificate], revocationLists: [current]);
        Assert.Equal(ValidationSubIndication.Revoked, validator.Validate(department.Certificate, TestPki.Start.AddDays(21)).SubIndication);
        Assert.True(validator.Validate(department.Certificate, TestPki.Start.AddDays(19)).RevokedAfterSigning);

        // Past nextUpdate a fresh CRL with a higher number and the same entries is issued.
        clock.Now = clock.Now.AddDays(8);
        var renewed = store.GetRevocationList("registry-ca");
        Assert.Equal(3, renewed.CrlNumber);
        Assert.Equal(clock.Now, renewed.ThisUpdate);
        Assert.Single(renewed.Entries);
        Assert.True(CertificateRevocationList.TryDecode(File.ReadAllBytes(Path.Combine(directory, "registry-ca.crl")), out var onDisk, out _));
        Assert.Equal(3, onDisk.CrlNumber);
    }

    [Fact]
    public void First_crl_is_issued_on_demand_and_empty()
    {
        var store = new KeyStore(directory, Password, new ManualClock(TestPki.Start));
        store.LoadOrCreate("registry-ca", NewCaKey);

        var crl = store.GetRevocationList("registry-ca");

        Assert.Empty(crl.Entries);
        Assert.Equal(1, crl.CrlNumber);
        Assert.Throws<InvalidOperationException>(() => store.GetRevocationList("no-such-ca"));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
