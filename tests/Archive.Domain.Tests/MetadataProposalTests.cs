using Archive.Domain.Documents;

namespace Archive.Domain.Tests;

public class MetadataProposalTests
{
    /// <summary>The first page of the seeds' plan 000 (Lai Châu 1437/KH-UBND), as tesseract reads its two-column header.</summary>
    private const string Plan1437 = """
        ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
        TỈNH LAI CHÂU Độc lập - Tự do - Hạnh phúc
        Số: 1437/KH-UBND Lai Châu, ngày 23 tháng 7 năm 2019

        KẾ HOẠCH
        Thực hiện Chương trình mục tiêu Công nghệ thông tin của tỉnh Lai Châu năm 2020
        Căn cứ Quyết định số 153/QĐ-TTg ngày 30/01/2018 của Thủ tướng Chính phủ;

        KT. CHỦ TỊCH
        PHÓ CHỦ TỊCH

        Trần Tiến Dũng
        """;

    private static Dictionary<string, ProposedField> Fields(string text, double confidence = 90) =>
        MetadataProposals.Propose(text, confidence).ToDictionary(f => f.Field);

    [Fact]
    public void every_field_of_an_nd30_first_page_is_proposed()
    {
        var f = Fields(Plan1437);
        f["codeNumber"].Value.ShouldBe("1437");
        f["codeNotation"].Value.ShouldBe("KH-UBND");
        f["place"].Value.ShouldBe("Lai Châu");
        f["issuedDate"].Value.ShouldBe("2019-07-23");
        f["issuer"].Value.ShouldBe("ỦY BAN NHÂN DÂN TỈNH LAI CHÂU");
        f["typeCode"].Value.ShouldBe("10");
        f["subject"].Value.ShouldBe("Thực hiện Chương trình mục tiêu Công nghệ thông tin của tỉnh Lai Châu năm 2020");
        f["signerPosition"].Value.ShouldBe("KT. CHỦ TỊCH PHÓ CHỦ TỊCH");
        f["signerName"].Value.ShouldBe("Trần Tiến Dũng");
    }

    [Fact]
    public void a_letter_gets_its_subject_from_the_vv_line()
    {
        var f = Fields("SỞ NỘI VỤ\nSố: 45/SNV-VP\nV/v hướng dẫn số hóa tài liệu lưu trữ\nKính gửi: Các sở, ban, ngành");
        f["subject"].Value.ShouldBe("hướng dẫn số hóa tài liệu lưu trữ");
        f["typeCode"].Value.ShouldBe("22");
    }

    [Fact]
    public void confidence_falls_with_the_pages_ocr_confidence_and_an_impossible_date_is_not_proposed()
    {
        Fields(Plan1437, 90)["codeNumber"].Confidence.ShouldBeGreaterThan(Fields(Plan1437, 45)["codeNumber"].Confidence);
        Fields("Hà Nội, ngày 31 tháng 2 năm 2019").ContainsKey("issuedDate").ShouldBeFalse();
        Fields("một trang không có bố cục văn bản hành chính").ShouldBeEmpty();
    }

    [Fact]
    public void a_misread_national_motto_is_cut_from_the_issuer_and_a_subject_of_three_lines_is_read_whole()
    {
        // As tesseract read the Tây Ninh plan (seed 003) rendered at 200 dpi: "GỘNG" for "CỘNG", the subject over three lines.
        var f = Fields("""
            ỦY BAN NHÂN DÂN GỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
            TỈNH TÂY NINH Độc lập - Tự do - Hạnh phúc

            Số: 1644/KH-UBND Tây Ninh, ngày 07 tháng 8 năm 2019

            KẾ HOẠCH

            Triển khai thực hiện Đề án Phát triển công nghệ thông tin tỉnh Lào Cai,
            giai đoạn 2017-2020 và năm 2017 trong các cơ
            quan nhà nước

            Căn cứ Quyết định số 153/QĐ-TTg ngày 30/01/2018 của Thủ tướng Chính phủ;
            """);
        f["issuer"].Value.ShouldBe("ỦY BAN NHÂN DÂN TỈNH TÂY NINH");
        f["subject"].Value.ShouldBe("Triển khai thực hiện Đề án Phát triển công nghệ thông tin tỉnh Lào Cai, giai đoạn 2017-2020 và năm 2017 trong các cơ quan nhà nước");
    }
}
