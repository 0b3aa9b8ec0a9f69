"""The 14 data checks of specs/power.md (7 completeness, 7 quality): codes, names and what each
finds. The queries are in ``lantian.power.checks``."""

from django.utils.translation import gettext_lazy as _

COMPLETENESS = "completeness"
QUALITY = "quality"

# code, group, name, what it finds
CHECK_LIST = (
    ("no_points", COMPLETENESS, _("Enterprise without monitoring points"),
     _("An enterprise in the power archive with no monitoring point.")),
    ("no_total_meter", COMPLETENESS, _("Enterprise without a total meter"),
     _("An enterprise with monitoring points, none of them on its total supply.")),
    ("production_without_meter", COMPLETENESS, _("Production facility without a meter"),
     _("A production facility no monitoring point measures.")),
    ("treatment_without_meter", COMPLETENESS, _("Treatment facility without a meter"),
     _("A treatment facility no monitoring point measures.")),
    ("facility_without_threshold", COMPLETENESS, _("Facility without a running threshold"),
     _("A production or treatment facility with meters, one of which has no running threshold in force.")),
    ("small_category_missing", COMPLETENESS, _("Industry small category missing"),
     _("An enterprise whose industry small category (GB/T 4754) is empty.")),
    ("credit_code_empty", COMPLETENESS, _("Credit code empty"),
     _("An enterprise whose unified social credit code is empty in the power archive.")),
    ("no_data_since_networked", QUALITY, _("No data since networked"),
     _("An active point with a meter, networked on or before the day, that has never reported.")),
    ("negative_energy", QUALITY, _("Negative energy"),
     _("A point that reported a negative energy reading on the day.")),
    ("negative_power", QUALITY, _("Negative power"),
     _("A point that reported a negative active power on the day.")),
    ("constant_power", QUALITY, _("Constant power"),
     _("A point whose non-zero power did not change over the day (at least 60 readings).")),
    ("energy_over_max_load", QUALITY, _("Daily energy above 25 × maximum load"),
     _("A point whose energy on the day exceeds 25 hours at its maximum power of the day.")),
    ("energy_abnormally_large", QUALITY, _("Abnormally large energy"),
     _("A point whose energy on the day exceeds 24 hours at 1.2 × its rated power.")),
    ("sub_meters_exceed_total", QUALITY, _("Production + treatment energy above the total meter"),
     _("An enterprise whose production and treatment points used more energy on the day than its total "
       "meters (by more than 5 %).")),
)  # fmt: skip

CHECK_CHOICES = [(code, name) for code, _group, name, _help in CHECK_LIST]
