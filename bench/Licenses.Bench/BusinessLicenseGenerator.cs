using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using ElectronicLicense.Licenses.Identifiers;

namespace ElectronicLicense.Bench;

/// <summary>Writes N distinct, valid 营业执照 bodies as NDJSON into a pipe, one line at a time, so memory does not grow with N.</summary>
/// <remarks>
/// Every body follows <c>schemas/business-license.schema.json</c>: holder = 名称, a check-valid 统一社会信用代码 per holder,
/// dates in the past (relative to the clock), and a distinct 证照编号 per line. Values come from a seeded generator:
/// runs are repeatable.
/// </remarks>
internal sealed class BusinessLicenseGenerator
{
    public const string TypeCode = "11100000MB0000617G001";
    public const string Issuer = "11500000MB1503013M";

    // GB 32100-2015 charset (表1) for the 9-character organisation part.
    private const string Charset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly (string Code, string Name, string[] Streets)[] Districts =
    [
        ("500103", "渝中区", ["七星岗街道中山一路", "解放碑街道民族路", "上清寺街道人民路", "大坪街道大坪正街"]),
        ("500105", "江北区", ["观音桥街道建新北路", "五里店街道江北城大街", "石马河街道洋河一路"]),
        ("500106", "沙坪坝区", ["小龙坎街道小龙坎正街", "磁器口街道磁南街", "天星桥街道汉渝路"]),
        ("500107", "九龙坡区", ["杨家坪街道西郊路", "谢家湾街道正街", "石桥铺街道科园一路"]),
        ("500108", "南岸区", ["南坪街道南城大道", "弹子石街道腾龙大道", "海棠溪街道烟雨路"]),
        ("500112", "渝北区", ["龙溪街道新牌坊一路", "回兴街道宝圣大道", "两路街道空港大道"]),
        ("500113", "巴南区", ["鱼洞街道新市街", "李家沱街道马王坪正街"]),
        ("500109", "北碚区", ["北温泉街道金华路", "天生街道天生路"]),
    ];

    private static readonly string[] Brands = ["渝鑫", "嘉陵", "山城", "巴渝", "朝天门", "两江", "长嘉", "金佛山", "缙云", "歌乐", "南山", "磁器口", "洪崖", "鹅岭", "江津", "綦江", "合川", "涪陵", "万州", "黔江"];
    private static readonly string[] Trades = ["商贸", "餐饮管理", "信息科技", "物流", "建筑工程", "文化传媒", "农业开发", "医药", "汽车服务", "火锅", "电子商务", "教育咨询"];
    private static readonly string[] Forms = ["有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）", "股份有限公司（非上市、自然人投资或控股）", "有限责任公司（法人独资）"];
    private static readonly string[] Surnames = ["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "冉", "谭", "向"];
    private static readonly string[] GivenNames = ["志强", "丽娟", "国平", "建华", "晓燕", "俊杰", "雪梅", "宇航", "德明", "家兴", "世平", "晓东", "秀英", "文博", "思远", "海波"];
    private static readonly string[] Capitals = ["叁拾万元整", "伍拾万元整", "壹佰万元整", "贰佰万元整", "伍佰万元整", "壹仟万元整", "叁仟万元整"];
    private static readonly string[] Scopes =
    [
        "日用百货销售；五金产品零售；服装服饰零售。",
        "许可项目：餐饮服务。一般项目：餐饮管理；外卖递送服务。",
        "软件开发；信息技术咨询服务；数据处理和存储支持服务。",
        "普通货物仓储服务（不含危险化学品等需许可审批的项目）；国内货物运输代理。",
        "许可项目：建设工程施工。一般项目：园林绿化工程施工；建筑材料销售。",
        "组织文化艺术交流活动；广告设计、代理；会议及展览服务。",
    ];

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly int count;
    private readonly DateOnly latest;

    /// <param name="count">How many licenses.</param>
    /// <param name="clock">Dates are drawn from the five years before today, so none is in the future.</param>
    public BusinessLicenseGenerator(int count, TimeProvider clock)
    {
        this.count = count;
        latest = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8)).DateTime).AddDays(-1);
    }

    /// <summary>Time spent generating and encoding lines (not waiting on the pipe).</summary>
    public TimeSpan GenerationTime { get; private set; }

    /// <summary>Starts the producer and returns the stream the ingest reads; the producer waits whenever the reader falls behind.</summary>
    public Stream Open(out Task completion, CancellationToken cancellationToken = default)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false));
        completion = Task.Run(() => ProduceAsync(pipe.Writer, cancellationToken), cancellationToken);
        return pipe.Reader.AsStream();
    }

    /// <summary>One line as text, for tests of single steps.</summary>
    public string Line(int index)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        Write(json, index);
        json.Flush();
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task ProduceAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            using var json = new Utf8JsonWriter(writer, WriterOptions);
            var generating = 0L;
            for (var i = 0; i < count; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                json.Reset(writer);
                Write(json, i);
                json.Flush();
                writer.Write("\n"u8);
                generating += System.Diagnostics.Stopwatch.GetTimestamp() - start;
                if (i % 32 == 31 && (await writer.FlushAsync(cancellationToken)).IsCompleted)
                {
                    break;
                }
            }

            GenerationTime = System.Diagnostics.Stopwatch.GetElapsedTime(0, generating);
            await writer.CompleteAsync();
        }
        catch (Exception e)
        {
            await writer.CompleteAsync(e);
            throw;
        }
    }

    private void Write(Utf8JsonWriter json, int index)
    {
        // Index-seeded: line i is the same in every run and independent of the others.
        var random = new Random(unchecked((index * 7919) + 17));
        var district = Districts[random.Next(Districts.Length)];
        var name = $"重庆{Brands[random.Next(Brands.Length)]}{Trades[random.Next(Trades.Length)]}有限公司";
        var date = latest.AddDays(-random.Next(5 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        json.WriteStartObject();
        json.WriteString("证照类型代码", TypeCode);
        json.WriteString("证照编号", string.Create(CultureInfo.InvariantCulture, $"500000-YYZZ-{index:D8}"));
        json.WriteString("持证主体", name);
        json.WriteString("持证主体代码", HolderCode(district.Code, index).Value);
        json.WriteString("持证主体代码类型", "统一社会信用代码");
        json.WriteString("颁发机构代码", Issuer);
        json.WriteString("颁发日期", date);
        json.WriteString("有效期起始日期", date);
        json.WriteString("有效期截止日期", "长期");
        json.WriteStartObject("照面");
        json.WriteString("名称", name);
        json.WriteString("类型", Forms[random.Next(Forms.Length)]);
        json.WriteString("法定代表人", Surnames[random.Next(Surnames.Length)] + GivenNames[random.Next(GivenNames.Length)]);
        json.WriteString("注册资本", Capitals[random.Next(Capitals.Length)]);
        json.WriteString("成立日期", date);
        json.WriteString("住所", string.Create(CultureInfo.InvariantCulture, $"重庆市{district.Name}{district.Streets[random.Next(district.Streets.Length)]}{random.Next(1, 400)}号"));
        json.WriteString("经营范围", Scopes[random.Next(Scopes.Length)]);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A distinct, check-valid code per index: 9 (工商) 1 (企业), the district, "MA" and the index in base 31.</summary>
    private static UnifiedSocialCreditCode HolderCode(string region, int index)
    {
        Span<char> first17 = stackalloc char[17];
        "91".CopyTo(first17);
        region.CopyTo(first17[2..]);
        "MA".CopyTo(first17[8..]);
        var rest = index;
        for (var position = 16; position >= 10; position--)
        {
            first17[position] = Charset[rest % Charset.Length];
            rest /= Charset.Length;
        }

        return UnifiedSocialCreditCode.Create(first17.ToString());
    }
}
