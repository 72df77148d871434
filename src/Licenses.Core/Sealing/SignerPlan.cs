using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Departments;
using ElectronicLicense.Licenses.Errors;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Sealing;

/// <summary>One signature a license needs: who signs, with which kind of seal, and why.</summary>
/// <param name="Order">Position in the policy, from 1; signatures are applied in this order.</param>
/// <param name="Department">The signing department.</param>
/// <param name="SealKind">证照专用章, 公章 or 业务专用章.</param>
/// <param name="Reason">Reason written into the signature, e.g. 颁发 or 联合签章.</param>
public sealed record PlannedSignature(int Order, Department Department, string SealKind, string Reason);

/// <summary>Turns a license type's signature policy into the concrete, ordered list of signing departments for one issuer.</summary>
internal static class SignerPlan
{
    /// <exception cref="RegistryException">A co-signer the policy names is unknown, or the issuer has no parent for 跨层级签章.</exception>
    public static IReadOnlyList<PlannedSignature> For(LicenseType type, Department issuer, IReadOnlyDictionary<UnifiedSocialCreditCode, Department> departments)
    {
        var plan = new List<PlannedSignature>(type.Signatures.Count);
        foreach (var requirement in type.Signatures)
        {
            var signer = requirement.Signer switch
            {
                SignerKind.Issuer => issuer,
                SignerKind.IssuerParent => issuer.Parent is { } parent && departments.TryGetValue(parent, out var found)
                    ? found
                    : throw Violation($"{type.Name} needs a co-signature by the issuing department's parent (跨层级签章), but {issuer.Name} has no parent department registered."),
                SignerKind.Department => departments.TryGetValue(requirement.Department!, out var named)
                    ? named
                    : throw Violation($"{type.Name} needs a co-signature by department {requirement.Department}, which the registry does not know."),
                _ => throw new InvalidOperationException($"Unknown signer kind {requirement.Signer}."),
            };

            // GB/T 38540 allows one signature per signer per document; a policy naming the same department twice is a catalog error.
            if (plan.Any(p => p.Department.Code == signer.Code))
            {
                throw Violation($"{type.Name}'s signature policy names {signer.Name} twice.");
            }

            plan.Add(new PlannedSignature(plan.Count + 1, signer, requirement.Seal, requirement.Reason));
        }

        return plan;
    }

    private static RegistryException Violation(string message) => new(RegistryErrorCodes.SignaturePolicyViolation, message);
}
