from django.contrib import admin

from sportello.accounts.models import Body, CitizenProfile, Office, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "display_name", "is_active", "email_verified"]
    search_fields = ["email", "display_name"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [RoleAssignmentInline]


admin.site.register(Office)
admin.site.register(Body)
admin.site.register(CitizenProfile)
