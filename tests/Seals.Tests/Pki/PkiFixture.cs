using ElectronicLicense.Seals.Pki;

namespace ElectronicLicense.Seals.Tests.Pki;

/// <summary>A registry CA with a seal maker and a department signer, made in-process.</summary>
internal sealed class TestPki
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string DepartmentCode = "11500000MB1503013M";

    private TestPki(SignatureAlgorithm algorithm)
    {
        Ca = CertificateAuthority.CreateRoot("电子证照测试根CA", "电子证照测试", algorithm, Start, Start.AddYears(20));
        SealMaker = Ca.IssueSealMaker("电子印章制章", "电子证照测试", algorithm, Start, Start.AddYears(5));
        Department = Ca.IssueDepartmentSigner("重庆市市场监督管理局", DepartmentCode, algorithm, Start, Start.AddYears(2));
    }

    public CertificateAuthority Ca { get; }

    public SigningKey SealMaker { get; }

    public SigningKey Department { get; }

    // Key generation (RSA especially) is the slow part: one PKI per algorithm for the whole test run.
    private static readonly Dictionary<SignatureAlgorithm, Lazy<TestPki>> Shared = Enum.GetValues<SignatureAlgorithm>()
        .ToDictionary(a => a, a => new Lazy<TestPki>(() => new TestPki(a)));

    public static TestPki For(SignatureAlgorithm algorithm) => Shared[algorithm].Value;
}
