using ElectronicLicense.Licenses.Catalog;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Licenses.Sharing;

/// <summary>An authenticated license holder: a citizen, or a legal entity acting through an authorised agent.</summary>
/// <remarks>Built only from validated identifiers, so <see cref="Code"/> is always a canonical 公民身份号码 or 统一社会信用代码.</remarks>
public sealed class HolderIdentity
{
    private HolderIdentity(string code, HolderKind kind, string? agentCode)
    {
        Code = code;
        Kind = kind;
        AgentCode = agentCode;
    }

    /// <summary>The holder's 公民身份号码 or 统一社会信用代码 (持证主体代码).</summary>
    public string Code { get; }

    /// <summary>Natural person or legal entity.</summary>
    public HolderKind Kind { get; }

    /// <summary>For a legal entity, the 公民身份号码 of the agent acting for it.</summary>
    public string? AgentCode { get; }

    /// <summary>A citizen acting for themself.</summary>
    public static HolderIdentity Citizen(CitizenId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return new HolderIdentity(id.Value, HolderKind.NaturalPerson, null);
    }

    /// <summary>A legal entity acting through an authorised agent.</summary>
    public static HolderIdentity LegalEntity(UnifiedSocialCreditCode code, CitizenId agent)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(agent);
        return new HolderIdentity(code.Value, HolderKind.LegalEntity, agent.Value);
    }

    /// <summary>Parses a holder code (and, for a legal entity, the agent's code) as a token's claims carry them.</summary>
    /// <returns>The identity, or null with a reason that never repeats the codes.</returns>
    public static HolderIdentity? TryCreate(string? holderCode, string? agentCode, TimeProvider clock, out string? error)
    {
        error = null;
        if (holderCode is { Length: 18 } && CitizenId.TryParse(holderCode, clock, out var citizen, out _))
        {
            if (agentCode is not null)
            {
                error = "a citizen acts for themself: no agent code";
                return null;
            }

            return Citizen(citizen);
        }

        if (!UnifiedSocialCreditCode.TryParse(holderCode, out var uscc, out var usccError))
        {
            error = "holder code must be a 公民身份号码 or a 统一社会信用代码: " + usccError;
            return null;
        }

        if (!CitizenId.TryParse(agentCode, clock, out var agent, out var agentError))
        {
            error = "a legal entity acts through an authorised agent: the agent's 公民身份号码 is invalid: " + agentError;
            return null;
        }

        return LegalEntity(uscc, agent);
    }
}
