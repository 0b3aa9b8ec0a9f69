from django.conf import settings
from django.templatetags.static import static

from lantian.core.navigation import menu_for


def shell(request):
    """What the page frame needs: site name, the user's menu and map configuration."""
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.LANTIAN_SITE_NAME,
        "menu": menu_for(user) if user is not None and user.is_authenticated else [],
        "map_config": {
            "tileUrl": settings.LANTIAN_MAP_TILE_URL,
            "attribution": settings.LANTIAN_MAP_TILE_ATTRIBUTION,
            # Leaflet guesses its marker images from the script name, which hashed static names defeat.
            "iconUrl": static("vendor/leaflet/images/marker-icon.png"),
            "iconRetinaUrl": static("vendor/leaflet/images/marker-icon-2x.png"),
            "shadowUrl": static("vendor/leaflet/images/marker-shadow.png"),
        },
    }
