using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Bench;

/// <summary>Writes distinct, valid 医疗机构死亡证明 bodies as NDJSON: the three-party license type (卫健委 issues, 公安局 and 民政局 co-seal).</summary>
/// <remarks>
/// Every body follows <c>schemas/medical-death-certificate.schema.json</c>: a check-valid 公民身份号码 whose birth date is the
/// 出生日期, a death date before the issue date, both in the past. Index-seeded, so a run is repeatable; the 证照编号 is
/// <c>{prefix}-{index}</c>, so distinct prefixes never collide in one store.
/// </remarks>
internal static class DeathCertificateGenerator
{
    public const string TypeCode = "11100000MB0000537W002";
    public const string Issuer = "11500000MB1507014M";     // 重庆市卫生健康委员会
    public const string Police = "11500000MB1501018N";     // 重庆市公安局, co-signs
    public const string CivilAffairs = "11500000MB15020105"; // 重庆市民政局, co-signs

    private static readonly (string Code, string Name, string[] Streets)[] Districts =
    [
        ("500103", "渝中区", ["解放碑街道民族路", "七星岗街道中山一路", "上清寺街道人民路"]),
        ("500105", "江北区", ["观音桥街道建新北路", "五里店街道江北城大街"]),
        ("500106", "沙坪坝区", ["小龙坎街道小龙坎正街", "磁器口街道磁南街"]),
        ("500108", "南岸区", ["南坪街道南城大道", "弹子石街道腾龙大道"]),
        ("500112", "渝北区", ["龙溪街道新牌坊一路", "两路街道空港大道"]),
    ];

    private static readonly string[] Surnames = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "冉", "谭", "向", "彭", "龚"];
    private static readonly string[] GivenNames = ["光荣", "秀英", "德明", "家兴", "世平", "桂芳", "国华", "玉兰", "长富", "淑珍", "永福", "素芬"];
    private static readonly string[] Ethnicities = ["汉族", "土家族", "苗族", "回族", "满族"];
    private static readonly string[] Places = ["医疗卫生机构", "来院途中", "家中", "养老服务机构", "其他场所"];
    private static readonly string[] Causes = ["慢性阻塞性肺疾病急性加重", "急性心肌梗死", "脑出血", "肺恶性肿瘤", "重症肺炎", "多器官功能衰竭"];
    private static readonly string[] Hospitals = ["重庆医科大学附属第一医院", "重庆医科大学附属第二医院", "陆军军医大学第一附属医院", "重庆市人民医院", "重庆市中医院"];
    private static readonly string[] Bases = ["尸检", "病理", "手术", "临床+理化", "临床"];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Lines <paramref name="from"/> to <paramref name="from"/> + <paramref name="count"/> − 1 as one NDJSON stream.</summary>
    /// <param name="prefix">Start of every 证照编号.</param>
    /// <param name="from">First index.</param>
    /// <param name="count">Number of lines.</param>
    /// <param name="today">Beijing date; every date is before it.</param>
    public static MemoryStream Ndjson(string prefix, int from, int count, DateOnly today)
    {
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, WriterOptions))
        {
            for (var i = from; i < from + count; i++)
            {
                json.Reset(stream);
                Write(json, prefix, i, today);
                json.Flush();
                stream.Write("\n"u8);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static void Write(Utf8JsonWriter json, string prefix, int index, DateOnly today)
    {
        var random = new Random(unchecked((index * 7919) + 31));
        var district = Districts[random.Next(Districts.Length)];
        var issued = today.AddDays(-1 - random.Next(365));
        var died = issued.AddDays(-random.Next(3));
        var born = died.AddYears(-40 - random.Next(55)).AddDays(-random.Next(365));
        var sequence = random.Next(1, 999);
        var male = sequence % 2 == 1; // GB 11643: the 17th digit is odd for men.
        var holder = CitizenId.Create(string.Create(CultureInfo.InvariantCulture, $"{district.Code}{born:yyyyMMdd}{sequence:D3}"));

        json.WriteStartObject();
        json.WriteString("证照类型代码", TypeCode);
        json.WriteString("证照编号", string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:D8}"));
        json.WriteString("持证主体", Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)]);
        json.WriteString("持证主体代码", holder.Value);
        json.WriteString("持证主体代码类型", "公民身份号码");
        json.WriteString("颁发机构代码", Issuer);
        json.WriteString("颁发日期", Date(issued));
        json.WriteString("有效期起始日期", Date(issued));
        json.WriteString("有效期截止日期", "长期");
        json.WriteStartObject("照面");
        json.WriteString("性别", male ? "男" : "女");
        json.WriteString("民族", Ethnicities[random.Next(Ethnicities.Length)]);
        json.WriteString("出生日期", Date(born));
        json.WriteString("死亡日期", Date(died));
        json.WriteString("死亡时间", string.Create(CultureInfo.InvariantCulture, $"{random.Next(24):D2}时{random.Next(60):D2}分"));
        json.WriteString("死亡地点", Places[random.Next(Places.Length)]);
        json.WriteString("常住地址", string.Create(CultureInfo.InvariantCulture, $"重庆市{district.Name}{district.Streets[random.Next(district.Streets.Length)]}{random.Next(1, 400)}号"));
        json.WriteString("根本死亡原因", Causes[random.Next(Causes.Length)]);
        json.WriteString("诊断单位", Hospitals[random.Next(Hospitals.Length)]);
        json.WriteString("诊断依据", Bases[random.Next(Bases.Length)]);
        json.WriteString("申报人姓名", Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)]);
        json.WriteString("申报人联系电话", string.Create(CultureInfo.InvariantCulture, $"139{random.Next(100_000_000):D8}"));
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
