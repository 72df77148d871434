namespace ElectronicLicense.Licenses.Lifecycle;

/// <summary>A lifecycle action on a license.</summary>
public enum LifecycleAction
{
    /// <summary>注销 / 吊销 / 撤销: final.</summary>
    Revoke,

    /// <summary>暂停: reversible.</summary>
    Suspend,

    /// <summary>恢复 a suspended license.</summary>
    Resume,
}
