using System.Diagnostics.CodeAnalysis;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using ElectronicLicense.Seals.Pki;
using Org.BouncyCastle.Pkcs;

namespace ElectronicLicense.Seals.Pdf;

/// <summary>The CMS SignedData of a PDF signature: built for ETSI.CAdES.detached (PAdES B-B) and decoded for verification.</summary>
internal static class PdfCms
{
    public const string IdData = "1.2.840.113549.1.7.1";
    public const string IdSignedData = "1.2.840.113549.1.7.2";
    public const string ContentTypeAttribute = "1.2.840.113549.1.9.3";
    public const string MessageDigestAttribute = "1.2.840.113549.1.9.4";
    public const string SigningTimeAttribute = "1.2.840.113549.1.9.5";
    public const string SigningCertificateAttribute = "1.2.840.113549.1.9.16.2.12";
    public const string SigningCertificateV2Attribute = "1.2.840.113549.1.9.16.2.47";
    public const string Sha1 = "1.3.14.3.2.26";
    public const string Sha384 = "2.16.840.1.101.3.4.2.2";
    public const string Sha512 = "2.16.840.1.101.3.4.2.3";

    /// <summary>Signs <paramref name="content"/> (the PDF bytes outside the Contents hole) with signed attributes content-type, message-digest and signing-certificate-v2.</summary>
    /// <remarks>
    /// ETSI EN 319 142-1 §5.2.1 (PAdES B-B): no signing-time attribute, the time is the /M entry of the signature dictionary.
    /// RSA and ECDSA go through the platform's <see cref="SignedCms"/>; SM2 (which the platform cannot do) is assembled here.
    /// </remarks>
    public static byte[] Sign(SigningKey key, byte[] content)
    {
        if (key.Algorithm == SignatureAlgorithm.Sm2WithSm3)
        {
            return SignSm2(key, content);
        }

        var pkcs8 = PrivateKeyInfoFactory.CreatePrivateKeyInfo(key.PrivateKey).GetDerEncoded();
        using AsymmetricAlgorithm privateKey = key.Algorithm == SignatureAlgorithm.RsaWithSha256 ? RSA.Create() : ECDsa.Create();
        try
        {
            privateKey.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }

        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, key.Certificate, privateKey)
        {
            DigestAlgorithm = new Oid(Oids.Sha256),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        foreach (var issuer in key.Chain)
        {
            signer.Certificates.Add(X509CertificateLoader.LoadCertificate(issuer.GetEncoded()));
        }

        // With any signed attribute present, SignedCms adds content-type and message-digest itself (RFC 5652 §5.3).
        signer.SignedAttributes.Add(new AsnEncodedData(SigningCertificateV2Attribute, SigningCertificateV2(key.Certificate)));
        var cms = new SignedCms(new ContentInfo(new Oid(IdData), content), detached: true);
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>
    /// RFC 5035 §3: <c>SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies ... OPTIONAL }</c>,
    /// <c>ESSCertIDv2 ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier DEFAULT {id-sha256}, certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }</c>.
    /// </summary>
    public static byte[] SigningCertificateV2(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                {
                    // hashAlgorithm is DEFAULT id-sha256, so DER omits it.
                    writer.WriteOctetString(SHA256.HashData(certificate.RawData));
                    using (writer.PushSequence())
                    {
                        // IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }; directoryName is [4].
                        using (writer.PushSequence())
                        {
                            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                            {
                                writer.WriteEncodedValue(certificate.IssuerName.RawData);
                            }
                        }

                        writer.WriteInteger(certificate.SerialNumberBytes.Span);
                    }
                }
            }
        }

        return writer.Encode();
    }

    private static byte[] SignSm2(SigningKey key, byte[] content)
    {
        var certificate = key.Certificate;
        var attributes = new AsnWriter(AsnEncodingRules.DER);
        using (attributes.PushSetOf())
        {
            WriteAttribute(attributes, ContentTypeAttribute, w => w.WriteObjectIdentifier(IdData));
            WriteAttribute(attributes, MessageDigestAttribute, w => w.WriteOctetString(Sm3.Hash(content)));
            WriteAttribute(attributes, SigningCertificateV2Attribute, w => w.WriteEncodedValue(SigningCertificateV2(certificate)));
        }

        // RFC 5652 §5.4: the signature is over the DER of the attributes with the SET OF tag, stored with [0] IMPLICIT.
        var signedAttributes = attributes.Encode();
        var signature = key.Sign(signedAttributes);
        signedAttributes[0] = 0xA0;

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(IdSignedData);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                writer.WriteInteger(1);
                using (writer.PushSetOf())
                {
                    WriteAlgorithm(writer, Oids.Sm3);
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(IdData);
                }

                using (writer.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteEncodedValue(certificate.RawData);
                    foreach (var issuer in key.Chain)
                    {
                        writer.WriteEncodedValue(issuer.GetEncoded());
                    }
                }

                using (writer.PushSetOf())
                using (writer.PushSequence())
                {
                    writer.WriteInteger(1);
                    using (writer.PushSequence())
                    {
                        writer.WriteEncodedValue(certificate.IssuerName.RawData);
                        writer.WriteInteger(certificate.SerialNumberBytes.Span);
                    }

                    WriteAlgorithm(writer, Oids.Sm3);
                    writer.WriteEncodedValue(signedAttributes);
                    WriteAlgorithm(writer, Oids.Sm2WithSm3);
                    writer.WriteOctetString(signature);
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteAttribute(AsnWriter writer, string oid, Action<AsnWriter> value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            using (writer.PushSetOf())
            {
                value(writer);
            }
        }
    }

    private static void WriteAlgorithm(AsnWriter writer, string oid)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
        }
    }

    /// <summary>The parts of a SignedData with one SignerInfo that verification needs.</summary>
    public sealed class Decoded
    {
        public required string DigestAlgorithm { get; init; }

        public required string SignatureAlgorithm { get; init; }

        public required byte[] Signature { get; init; }

        /// <summary>The signed attributes re-tagged as SET OF, i.e. the bytes the signature covers; null when absent.</summary>
        public byte[]? SignedAttributes { get; init; }

        public required IReadOnlyList<(string Oid, IReadOnlyList<ReadOnlyMemory<byte>> Values)> Attributes { get; init; }

        public required IReadOnlyList<X509Certificate2> Certificates { get; init; }

        public required string EncapsulatedContentType { get; init; }

        public required bool HasEncapsulatedContent { get; init; }

        public byte[]? IssuerName { get; init; }

        public byte[]? SerialNumber { get; init; }

        public byte[]? SubjectKeyIdentifier { get; init; }

        public IReadOnlyList<ReadOnlyMemory<byte>>? Attribute(string oid) =>
            Attributes.FirstOrDefault(a => a.Oid == oid).Values;

        /// <summary>The signer's certificate among those carried, by issuer and serial number or by key identifier.</summary>
        public X509Certificate2? FindSigner() => Certificates.FirstOrDefault(c =>
            (IssuerName is not null && SerialNumber is not null
             && c.IssuerName.RawData.AsSpan().SequenceEqual(IssuerName) && c.SerialNumberBytes.Span.SequenceEqual(SerialNumber))
            || (SubjectKeyIdentifier is not null && c.Extensions.OfType<X509SubjectKeyIdentifierExtension>()
                .Any(e => e.SubjectKeyIdentifierBytes.Span.SequenceEqual(SubjectKeyIdentifier))));
    }

    /// <summary>Decodes a ContentInfo holding SignedData (RFC 5652 §5) with exactly one SignerInfo; trailing zero padding is allowed.</summary>
    public static bool TryDecode(byte[] contents, [NotNullWhen(true)] out Decoded? decoded, [NotNullWhen(false)] out string? error)
    {
        decoded = null;
        try
        {
            // The /Contents reservation is padded with zeros after the DER; anything else there is not ours to ignore.
            AsnDecoder.ReadEncodedValue(contents, AsnEncodingRules.BER, out _, out _, out var length);
            var outer = new AsnReader(contents.AsMemory(0, length), AsnEncodingRules.BER);
            var contentInfo = outer.ReadSequence();
            if (contents.AsSpan(length).ContainsAnyExcept((byte)0))
            {
                error = "bytes other than zero padding follow the CMS structure";
                return false;
            }

            if (contentInfo.ReadObjectIdentifier() != IdSignedData)
            {
                error = "the CMS content is not SignedData";
                return false;
            }

            var signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signedData.ReadInteger();
            signedData.ReadSetOf();
            var encap = signedData.ReadSequence();
            var encapType = encap.ReadObjectIdentifier();
            var hasContent = encap.HasData;

            var certificates = new List<X509Certificate2>();
            var certificatesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(certificatesTag))
            {
                var set = signedData.ReadSetOf(true, certificatesTag);
                while (set.HasData)
                {
                    var tag = set.PeekTag();
                    var encoded = set.ReadEncodedValue();
                    if (tag.HasSameClassAndValue(Asn1Tag.Sequence))
                    {
                        try
                        {
                            certificates.Add(X509CertificateLoader.LoadCertificate(encoded.Span));
                        }
                        catch (CryptographicException)
                        {
                            // An unreadable certificate cannot be the signer's; the signer check reports its absence.
                        }
                    }
                }
            }

            if (signedData.HasData && signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                signedData.ReadEncodedValue();
            }

            var signerInfos = signedData.ReadSetOf(true);
            var signerInfo = signerInfos.ReadSequence();
            if (signerInfos.HasData)
            {
                error = "the CMS holds more than one SignerInfo (PAdES allows one)";
                return false;
            }

            signerInfo.ReadInteger();
            byte[]? issuer = null, serial = null, keyId = null;
            if (signerInfo.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var sid = signerInfo.ReadSequence();
                issuer = sid.ReadEncodedValue().ToArray();
                serial = sid.ReadIntegerBytes().ToArray();
            }
            else
            {
                keyId = signerInfo.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0));
            }

            var digestAlgorithm = signerInfo.ReadSequence().ReadObjectIdentifier();
            byte[]? signedAttributes = null;
            var attributes = new List<(string, IReadOnlyList<ReadOnlyMemory<byte>>)>();
            var attributesTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
            if (signerInfo.PeekTag().HasSameClassAndValue(attributesTag))
            {
                signedAttributes = signerInfo.PeekEncodedValue().ToArray();
                var set = signerInfo.ReadSetOf(true, attributesTag);
                signedAttributes[0] = 0x31;
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    var oid = attribute.ReadObjectIdentifier();
                    var values = new List<ReadOnlyMemory<byte>>();
                    var valueSet = attribute.ReadSetOf(true);
                    while (valueSet.HasData)
                    {
                        values.Add(valueSet.ReadEncodedValue());
                    }

                    attributes.Add((oid, values));
                }
            }

            var signatureAlgorithm = signerInfo.ReadSequence().ReadObjectIdentifier();
            var signature = signerInfo.ReadOctetString();
            decoded = new Decoded
            {
                DigestAlgorithm = digestAlgorithm,
                SignatureAlgorithm = signatureAlgorithm,
                Signature = signature,
                SignedAttributes = signedAttributes,
                Attributes = attributes,
                Certificates = certificates,
                EncapsulatedContentType = encapType,
                HasEncapsulatedContent = hasContent,
                IssuerName = issuer,
                SerialNumber = serial,
                SubjectKeyIdentifier = keyId,
            };
            error = null;
            return true;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException or ArgumentException)
        {
            error = "the CMS SignedData cannot be decoded: " + e.Message;
            return false;
        }
    }

    /// <summary>Hashes with a CMS digest algorithm; null for algorithms not accepted.</summary>
    public static byte[]? Hash(string digestAlgorithm, ReadOnlySpan<byte> data) => digestAlgorithm switch
    {
        Oids.Sha256 => SHA256.HashData(data),
        Sha384 => SHA384.HashData(data),
        Sha512 => SHA512.HashData(data),
        Sha1 => SHA1.HashData(data),
        Oids.Sm3 => Sm3.Hash(data),
        _ => null,
    };

    public static string DigestName(string digestAlgorithm) => digestAlgorithm switch
    {
        Oids.Sha256 => "SHA-256",
        Sha384 => "SHA-384",
        Sha512 => "SHA-512",
        Sha1 => "SHA-1",
        Oids.Sm3 => "SM3",
        _ => digestAlgorithm,
    };

    /// <summary>Verifies the signature value over <paramref name="data"/>: RSA PKCS#1 v1.5, ECDSA or SM2 with the SignerInfo's digest.</summary>
    /// <returns>True or false, or null when the algorithm is not supported.</returns>
    public static bool? VerifySignature(X509Certificate2 certificate, string signatureAlgorithm, string digestAlgorithm, byte[] data, byte[] signature)
    {
        if (signatureAlgorithm is Oids.Sm2WithSm3 or "1.2.156.10197.1.301.1")
        {
            return SignatureVerifier.Verify(certificate, Oids.Sm2WithSm3, data, signature);
        }

        HashAlgorithmName? hash = digestAlgorithm switch
        {
            Oids.Sha256 => HashAlgorithmName.SHA256,
            Sha384 => HashAlgorithmName.SHA384,
            Sha512 => HashAlgorithmName.SHA512,
            Sha1 => HashAlgorithmName.SHA1,
            _ => null,
        };
        if (hash is null)
        {
            return null;
        }

        try
        {
            switch (signatureAlgorithm)
            {
                // rsaEncryption, or sha1/256/384/512WithRSAEncryption.
                case "1.2.840.113549.1.1.1" or "1.2.840.113549.1.1.5" or "1.2.840.113549.1.1.11" or "1.2.840.113549.1.1.12" or "1.2.840.113549.1.1.13":
                    using (var rsa = certificate.GetRSAPublicKey())
                    {
                        return rsa?.VerifyData(data, signature, hash.Value, RSASignaturePadding.Pkcs1) ?? false;
                    }

                // id-ecPublicKey, or ecdsa-with-SHA1/256/384/512.
                case "1.2.840.10045.2.1" or "1.2.840.10045.4.1" or Oids.EcdsaWithSha256 or "1.2.840.10045.4.3.3" or "1.2.840.10045.4.3.4":
                    using (var ecdsa = certificate.GetECDsaPublicKey())
                    {
                        return ecdsa?.VerifyData(data, signature, hash.Value, DSASignatureFormat.Rfc3279DerSequence) ?? false;
                    }

                default:
                    return null;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
