using ElectronicLicense.Licenses.Departments;

namespace ElectronicLicense.Licenses.Audit;

/// <summary>Audit entries for a department acting through one of its credentials.</summary>
internal static class DepartmentAuditEntries
{
    /// <summary>An entry naming the department and role as the actor; callers add the subject with <c>with { … }</c>.</summary>
    public static AuditEntry Entry(this DepartmentIdentity caller, string action, AuditOutcome outcome) => new()
    {
        Action = action,
        Outcome = outcome,
        ActorKind = AuditActorKind.Department,
        Department = caller.Code.Value,
        Role = DepartmentNames.Of(caller.Role),
    };
}
