// My account: who I am, my password, where I am signed in.
import { Stack } from "@mantine/core";
import { PageHeader } from "../../components/PageHeader";
import { ChangePasswordCard } from "./ChangePasswordCard";
import { ProfileCard } from "./ProfileCard";
import { SessionsCard } from "./SessionsCard";

export function AccountPage() {
  return (
    <Stack gap="lg" maw={960} data-testid="account-page">
      <PageHeader title="My account" description="Your profile, your password and the devices you are signed in on." />
      <ProfileCard />
      <ChangePasswordCard />
      <SessionsCard />
    </Stack>
  );
}
