namespace ElectronicLicense.Seals.Ses;

/// <summary>Bounds on untrusted seal and signature input, far above anything a real seal needs.</summary>
internal static class SesLimits
{
    /// <summary>A seal is a picture (tens of kilobytes), a few certificates and a signature.</summary>
    public const int MaxSealBytes = 8 * 1024 * 1024;

    /// <summary>A signature embeds a seal and adds a certificate, a hash and a time stamp.</summary>
    public const int MaxSignatureBytes = MaxSealBytes + (1024 * 1024);

    public const int MaxCertListEntries = 1024;

    /// <summary>Names, identifiers, vendor ids, picture types, property info paths.</summary>
    public const int MaxShortString = 4096;
}

/// <summary>The kinds of <see cref="SesSeal.CertListType"/> (GB/T 38540 SES_ESPropertyInfo.certListType).</summary>
public static class SesCertListType
{
    /// <summary>certList holds the DER certificates of the signers allowed to use the seal.</summary>
    public const int Certificates = 1;

    /// <summary>certList holds digests of the signers' certificates (CertDigestObj).</summary>
    public const int Digests = 2;
}

/// <summary>Common values of <see cref="SesSeal.SealType"/> (GB/T 38540 SES_ESPropertyInfo.type).</summary>
public static class SesSealType
{
    /// <summary>单位印章: an organisation's official seal.</summary>
    public const int Official = 1;

    /// <summary>个人印章: a personal seal.</summary>
    public const int Personal = 2;
}
