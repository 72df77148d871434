namespace ElectronicLicense.Licenses.Audit;

/// <summary>The append-only, tamper-evident audit log (用证留痕) every service writes to.</summary>
public interface IAuditTrail
{
    /// <summary>Appends an event; completes once it is durably stored and has its leaf index.</summary>
    /// <returns>The event as stored.</returns>
    Task<AuditedEvent> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The events that concern one holder, newest first: every use of their licenses and grants.</summary>
    Task<IReadOnlyList<AuditedEvent>> ForHolderAsync(string holderCode, int skip, int take, CancellationToken cancellationToken = default);
}
