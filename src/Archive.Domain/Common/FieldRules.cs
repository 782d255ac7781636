using Archive.Domain.CodeLists;

namespace Archive.Domain.Common;

/// <summary>
/// Collects field errors so a validation function reports ALL problems in one pass,
/// instead of making the clerk fix and resubmit one field at a time.
/// </summary>
public sealed class FieldRules
{
    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public FieldRules Add(FieldError error)
    {
        _errors.Add(error);
        return this;
    }

    public FieldRules Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            _errors.Add(new(field, "required", $"Trường {field} là bắt buộc.", $"{field} is required."));
        return this;
    }

    public FieldRules MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
            _errors.Add(new(field, "too_long",
                $"Trường {field} dài tối đa {max} ký tự (hiện có {value.Length}).",
                $"{field} must be at most {max} characters (got {value.Length})."));
        return this;
    }

    public FieldRules RequiredMax(string field, string? value, int max) => Required(field, value).MaxLength(field, value, max);

    public FieldRules InList(string field, string? code, CodeList list, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            if (required) Required(field, code);
            return this;
        }
        if (!list.Contains(code))
            _errors.Add(new(field, "not_in_code_list",
                $"Mã '{code}' của trường {field} không thuộc danh mục {list.Id}.",
                $"Code '{code}' of {field} is not in code list {list.Id}."));
        return this;
    }

    public FieldRules Range(string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
            _errors.Add(new(field, "out_of_range",
                $"Trường {field} phải trong khoảng {min}–{max}.",
                $"{field} must be between {min} and {max}."));
        return this;
    }

    public FieldRules When(bool condition, string field, string code, string vi, string en)
    {
        if (condition) _errors.Add(new(field, code, vi, en));
        return this;
    }
}
