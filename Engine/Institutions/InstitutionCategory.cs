namespace Compliance.Engine.Institutions;

/// <summary>The categories of institutions (api.md, "Institutions and keys").</summary>
public static class InstitutionCategory
{
    /// <summary>国有大型银行.</summary>
    public const string LargeState = "large_state";

    /// <summary>股份制银行.</summary>
    public const string JointStock = "joint_stock";

    /// <summary>城市商业银行.</summary>
    public const string CityCommercial = "city_commercial";

    /// <summary>农村商业银行/农信社.</summary>
    public const string Rural = "rural";

    /// <summary>村镇银行.</summary>
    public const string Village = "village";

    /// <summary>政策性/开发性银行.</summary>
    public const string Policy = "policy";

    /// <summary>外资银行.</summary>
    public const string Foreign = "foreign";

    /// <summary>其他.</summary>
    public const string Other = "other";

    /// <summary>Every category, in the order of api.md.</summary>
    public static IReadOnlyList<string> All { get; } = [LargeState, JointStock, CityCommercial, Rural, Village, Policy, Foreign, Other];
}
